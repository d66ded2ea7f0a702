#include <fcntl.h>

#include "posix_calls.h"

int native_snapc_open(const char *path, int flags)
{
    return open(path, flags);
}
