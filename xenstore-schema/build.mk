# xenstore-schema/build.mk: the xenstore tree schema (xylem.schema) and its
# checker, build/bin/xylem-xs-check (the schema is built into it).  One
# file per line, sorted.
INC_xenstore-schema := -Ixenstore-schema -Idom0-tools/libxylemctl

XS_SCHEMA_SRCS := \
	xenstore-schema/schema.c \
	xenstore-schema/schema_match.c

XS_CHECK_SRCS := \
	xenstore-schema/main.c \
	xenstore-schema/xscheck.c \
	$(XS_SCHEMA_SRCS) \
	$(BUILD)/gen/xenstore-schema/schema_text.c

# xylem.schema as a C string (NUL-terminated byte array).
$(BUILD)/gen/xenstore-schema/schema_text.c: xenstore-schema/xylem.schema
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q){ echo '/* generated from $< */'; \
	  echo 'extern const char xscheck_schema_text[];'; \
	  echo 'const char xscheck_schema_text[] = {'; \
	  od -An -v -tx1 $< | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0 };'; } > $@

$(eval $(call host_program,xylem-xs-check,$(XS_CHECK_SRCS),$(BUILD)/lib/libxylemctl.a,$(XENSTORE_LIBS)))
