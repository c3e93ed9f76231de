/*
 * gk/heap.h: the kernel heap (kernel/heap.c): power-of-two size classes
 * from 32 bytes to 2 KiB carved from pages, and whole pages above that.
 */
#ifndef GK_HEAP_H
#define GK_HEAP_H

#include <stddef.h>

void *gk_malloc(size_t size);
void *gk_zalloc(size_t size);
void gk_free(void *ptr);

#endif
