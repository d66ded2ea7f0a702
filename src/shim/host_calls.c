/* Calls into the host that C# cannot make directly (variadic functions); see host_calls.h. */
#include <stddef.h>

#include "host_calls.h"

void native_snapc_host_output(native_snapc_opal_output_fn opal_output_fn, int output_id, const char *line)
{
    if (NULL == opal_output_fn || NULL == line) {
        return;
    }
    opal_output_fn(output_id, "%s", line);
}
