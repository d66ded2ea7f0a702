/*
 * abi_layout_openmpi.c: proves at compile time that include/native_snapc/ matches the installed
 * Open MPI 4.1 headers (Debian release build): every struct's size and alignment, every field's
 * offset and size (and its type, where ours is the same C type), every typedef's size and
 * alignment, every constant's value and every string constant. abi_types_openmpi.cpp, linked into
 * the same program, compares the types built from our mirrored structs exactly. A mismatch does
 * not compile; the program only reports how many facts were checked.
 *
 * Component-private facts no installed header has, checked by reading
 * `git show v4.1.4:orte/mca/snapc/full/snapc_full.h` (snapc.h must keep matching it):
 *   orte_snapc_full_cmd_flag_t = uint8_t, ORTE_SNAPC_FULL_CMD = OPAL_UINT8 (12),
 *   ORTE_SNAPC_FULL_UPDATE_JOB_STATE_CMD 1, ORTE_SNAPC_FULL_UPDATE_JOB_STATE_QUICK_CMD 2,
 *   ORTE_SNAPC_FULL_UPDATE_ORTED_STATE_CMD 3, ORTE_SNAPC_FULL_UPDATE_ORTED_STATE_QUICK_CMD 4,
 *   ORTE_SNAPC_FULL_VPID_ASSOC_CMD 5, ORTE_SNAPC_FULL_ESTABLISH_DIR_CMD 6,
 *   ORTE_SNAPC_FULL_RESTART_PROC_INFO 7, ORTE_SNAPC_FULL_REQUEST_OP_CMD 8, ORTE_SNAPC_FULL_MAX 9.
 */
#include "opal_config.h"

#include "opal/class/opal_list.h"
#include "opal/class/opal_object.h"
#include "opal/constants.h"
#include "opal/dss/dss_internal.h"
#include "opal/dss/dss_types.h"
#include "opal/mca/crs/crs.h"
#include "opal/mca/mca.h"
#include "opal/runtime/opal_cr.h"
#include "opal/util/proc.h"
#include "opal/version.h"
#include "orte/constants.h"
#include "orte/mca/rml/rml_types.h"
#include "orte/mca/snapc/base/base.h"
#include "orte/mca/snapc/snapc.h"
#include "orte/mca/sstore/sstore.h"
#include "orte/types.h"
#include "orte/version.h"

#include <stddef.h>
#include <stdio.h>

#include "native_snapc/native_snapc.h"

#include "abi_layout_table.h"

/* The layouts of our headers are the release ones: refuse to compare them with anything else. */
_Static_assert(OPAL_ENABLE_DEBUG == 0, "the installed Open MPI is a debug build");
_Static_assert(OPAL_ENABLE_CRDEBUG == 0, "the installed Open MPI is a CRDEBUG build");

/* Our snapc_full command flag type must still have the size the wire needs (see above). */
_Static_assert(sizeof(nsnapc_orte_snapc_full_cmd_flag_t) == 1, "orte_snapc_full_cmd_flag_t is uint8_t");

#define MEMBER_TYPE(type, field) __typeof__(((type *)0)->field)
#define MEMBER_SIZE(type, field) sizeof(((type *)0)->field)

#define CHECK_TYPE_SAME(ours, theirs, what)                                                        \
    _Static_assert(__builtin_types_compatible_p(ours, theirs), "type of " what);
#define CHECK_TYPE_MIRROR(ours, theirs, what) /* built from mirrored types: size only */

#define CHECK_STRUCT(ours, theirs)                                                                 \
    _Static_assert(sizeof(ours) == sizeof(theirs), "sizeof " #ours);                               \
    _Static_assert(_Alignof(ours) == _Alignof(theirs), "_Alignof " #ours);
NSNAPC_LAYOUT_STRUCTS(CHECK_STRUCT)

#define CHECK_FIELD(ours, theirs, field, kind)                                                     \
    _Static_assert(offsetof(ours, field) == offsetof(theirs, field), "offsetof " #ours "." #field); \
    _Static_assert(MEMBER_SIZE(ours, field) == MEMBER_SIZE(theirs, field),                        \
                   "sizeof " #ours "." #field);                                                    \
    CHECK_TYPE_##kind(MEMBER_TYPE(ours, field), MEMBER_TYPE(theirs, field), #ours "." #field)
NSNAPC_LAYOUT_FIELDS(CHECK_FIELD)

#define CHECK_TYPEDEF(ours, theirs, kind)                                                          \
    _Static_assert(sizeof(ours) == sizeof(theirs), "sizeof " #ours);                               \
    _Static_assert(_Alignof(ours) == _Alignof(theirs), "_Alignof " #ours);                         \
    CHECK_TYPE_##kind(ours, theirs, #ours)
NSNAPC_LAYOUT_TYPES(CHECK_TYPEDEF)

/* Widened to long long so that -1 and 0xffffffff never compare equal. */
#define CHECK_CONSTANT(ours, theirs)                                                               \
    _Static_assert((long long)(ours) == (long long)(theirs), #ours " == " #theirs);
NSNAPC_LAYOUT_CONSTANTS(CHECK_CONSTANT)

#define CHECK_STRING(ours, theirs)                                                                 \
    _Static_assert(sizeof(ours) == sizeof(theirs), "length of " #ours);                            \
    _Static_assert(__builtin_strcmp(ours, theirs) == 0, #ours " == " #theirs);
NSNAPC_LAYOUT_STRINGS(CHECK_STRING)

#define COUNT_ROW(...) +1
enum {
    STRUCT_COUNT = 0 NSNAPC_LAYOUT_STRUCTS(COUNT_ROW),
    FIELD_COUNT = 0 NSNAPC_LAYOUT_FIELDS(COUNT_ROW),
    TYPE_COUNT = 0 NSNAPC_LAYOUT_TYPES(COUNT_ROW),
    CONSTANT_COUNT = 0 NSNAPC_LAYOUT_CONSTANTS(COUNT_ROW),
    STRING_COUNT = 0 NSNAPC_LAYOUT_STRINGS(COUNT_ROW)
};

/* Defined by abi_types_openmpi.cpp: field and typedef types compared exactly, in C++. */
extern const int nsnapc_layout_exact_type_checks;

int main(void)
{
    printf("abi_layout_openmpi: checked against Open MPI %d.%d.%d headers: "
           "%d structs, %d fields, %d typedefs, %d constants, %d strings; "
           "%d exact type checks\n",
           OPAL_MAJOR_VERSION, OPAL_MINOR_VERSION, OPAL_RELEASE_VERSION, STRUCT_COUNT, FIELD_COUNT,
           TYPE_COUNT, CONSTANT_COUNT, STRING_COUNT, nsnapc_layout_exact_type_checks);
    return 0;
}
