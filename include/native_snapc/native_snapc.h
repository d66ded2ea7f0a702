/*
 * native_snapc/native_snapc.h: the whole C ABI of libnative_snapc.so in one include: the library
 * version, the Open MPI 4.1 layouts, enums and constants it speaks (release build layouts), the
 * application coordinator's entry points, the two MCA components (snapc "full", CRS "self") and the runtime's
 * contract with the MPI profiling layer.
 */
#ifndef NATIVE_SNAPC_NATIVE_SNAPC_H
#define NATIVE_SNAPC_NATIVE_SNAPC_H

#include "version.h"
#include "opal.h"
#include "mca.h"
#include "crs.h"
#include "snapc.h"
#include "app_coord.h"
#include "snapc_full.h"
#include "crs_self.h"
#include "runtime.h"

#endif /* NATIVE_SNAPC_NATIVE_SNAPC_H */
