/*
 * abi_types_openmpi.cpp: completes abi_layout_openmpi.c. C can compare a field's type with the
 * original's only when both are the very same C type; for types built from our mirrored structs
 * and enums (function-pointer slots such as crs_checkpoint, enum fields) it can check only sizes.
 * Here every one of our types is rewritten into Open MPI's by replacing each mirrored struct or
 * enum with its original, through pointers, arrays, qualifiers and function signatures, and must
 * then be exactly the original type.
 */
#include "opal_config.h"

#include "opal/class/opal_list.h"
#include "opal/class/opal_object.h"
#include "opal/dss/dss_types.h"
#include "opal/mca/crs/crs.h"
#include "opal/mca/mca.h"
#include "opal/runtime/opal_cr.h"
#include "orte/mca/rml/rml_types.h"
#include "orte/mca/snapc/base/base.h"
#include "orte/mca/snapc/snapc.h"
#include "orte/mca/sstore/sstore.h"
#include "orte/types.h"

#include <cstddef>
#include <type_traits>

#include "native_snapc/native_snapc.h"

#include "abi_layout_table.h"

namespace {

template <typename T> struct to_original { using type = T; };
template <typename T> using to_original_t = typename to_original<T>::type;

template <typename T> struct to_original<T *> { using type = to_original_t<T> *; };
template <typename T> struct to_original<const T> { using type = const to_original_t<T>; };
template <typename T> struct to_original<volatile T> { using type = volatile to_original_t<T>; };
template <typename T> struct to_original<const volatile T> {
    using type = const volatile to_original_t<T>;
};
template <typename T, std::size_t N> struct to_original<T[N]> { using type = to_original_t<T>[N]; };
template <typename R, typename... A> struct to_original<R(A...)> {
    using type = to_original_t<R>(to_original_t<A>...);
};

#define MAP_TO_ORIGINAL(ours, theirs)                                                              \
    template <> struct to_original<ours> { using type = theirs; };
NSNAPC_LAYOUT_STRUCTS(MAP_TO_ORIGINAL)
MAP_TO_ORIGINAL(nsnapc_opal_dss_buffer_type_t, opal_dss_buffer_type_t)
MAP_TO_ORIGINAL(nsnapc_opal_crs_state_type_t, opal_crs_state_type_t)
MAP_TO_ORIGINAL(nsnapc_opal_cr_ckpt_cmd_state_t, opal_cr_ckpt_cmd_state_t)
MAP_TO_ORIGINAL(nsnapc_orte_snapc_base_request_op_event_t, orte_snapc_base_request_op_event_t)
MAP_TO_ORIGINAL(nsnapc_orte_snapc_base_quiesce_t, orte_snapc_base_quiesce_t)

#define CHECK_FIELD_TYPE(ours, theirs, field, kind)                                                \
    static_assert(std::is_same_v<to_original_t<decltype(ours::field)>, decltype(theirs::field)>,  \
                  "type of " #ours "." #field);
NSNAPC_LAYOUT_FIELDS(CHECK_FIELD_TYPE)

#define CHECK_TYPEDEF_TYPE(ours, theirs, kind)                                                     \
    static_assert(std::is_same_v<to_original_t<ours>, theirs>, "type " #ours);
NSNAPC_LAYOUT_TYPES(CHECK_TYPEDEF_TYPE)

#define COUNT_ROW(...) +1

} // namespace

/* Read by main() in abi_layout_openmpi.c. */
extern "C" const int nsnapc_layout_exact_type_checks =
    0 NSNAPC_LAYOUT_FIELDS(COUNT_ROW) NSNAPC_LAYOUT_TYPES(COUNT_ROW);
