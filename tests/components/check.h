/* The component tests' assertion: on failure, the condition, where and why on stderr, exit 1. */
#ifndef NSNAPC_CHECK_H
#define NSNAPC_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond, ...)                                                                                   \
    do {                                                                                                   \
        if (!(cond)) {                                                                                     \
            fprintf(stderr, "FAILED %s:%d: %s: ", __FILE__, __LINE__, #cond);                              \
            fprintf(stderr, __VA_ARGS__);                                                                  \
            fprintf(stderr, "\n");                                                                         \
            exit(1);                                                                                       \
        }                                                                                                  \
    } while (0)

#endif
