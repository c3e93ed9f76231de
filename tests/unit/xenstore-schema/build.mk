# tests/unit/xenstore-schema/build.mk: the schema parser and matcher
# (xenstore-schema/schema*.c) with the shipped xylem.schema built in.
$(BUILD)/obj/tests/unit/xenstore-schema/%.o: INC_tests += -Ixenstore-schema

$(eval $(call unit_test,xs_schema_test,\
	$(XS_SCHEMA_SRCS) \
	$(BUILD)/gen/xenstore-schema/schema_text.c \
	tests/unit/xenstore-schema/schema_test.c,,))
