/*
 * abi_selfcheck: the main job until the checkpoint demo exists. It loads the *installed*
 * libnative_snapc.so as a plug-in host does, and prints
 *   - the ABI the library describes (data symbol native_snapc_abi, and its managed version query
 *     called through the function pointer stored in that data symbol);
 *   - the layout table of include/native_snapc/ next to the real Open MPI 4.1 headers (the same
 *     facts tests/layout/abi_layout_openmpi.c asserts at compile time), compared row by row;
 *   - the library's exported symbols, read from its ELF .dynsym, each resolved with dlsym.
 * usage: abi_selfcheck <installed library path>; exit 0 only if everything matches.
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
#include "orte/constants.h"
#include "orte/mca/rml/rml_types.h"
#include "orte/mca/snapc/base/base.h"
#include "orte/mca/snapc/snapc.h"
#include "orte/mca/sstore/sstore.h"
#include "orte/types.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "native_snapc/native_snapc.h"

#include "abi_layout_table.h"

static int mismatches;

static const char *verdict(int ok)
{
    if (!ok) {
        ++mismatches;
    }
    return ok ? "ok" : "MISMATCH";
}

static int print_layouts(void)
{
    int structs = 0, fields = 0;
    printf("\nLayouts: include/native_snapc/ against the Open MPI %d.%d.%d headers\n", OPAL_MAJOR_VERSION,
           OPAL_MINOR_VERSION, OPAL_RELEASE_VERSION);
    printf("  %-50s %8s %6s %8s\n", "struct / field", "offset", "size", "Open MPI");
#define PRINT_FIELD(ours, theirs, field, kind)                                                      \
    if (strcmp(current, #ours) != 0) {                                                              \
        current = #ours;                                                                            \
        ++structs;                                                                                  \
        printf("  %s (%s): sizeof %zu, Open MPI %zu, align %zu: %s\n", #ours, #theirs, sizeof(ours),  \
               sizeof(theirs), _Alignof(ours),                                                      \
               verdict(sizeof(ours) == sizeof(theirs) && _Alignof(ours) == _Alignof(theirs)));      \
    }                                                                                               \
    ++fields;                                                                                       \
    printf("    %-48s %8zu %6zu %8zu %6s\n", #field, offsetof(ours, field),                         \
           sizeof(((ours *) 0)->field), offsetof(theirs, field),                                    \
           verdict(offsetof(ours, field) == offsetof(theirs, field) &&                              \
                   sizeof(((ours *) 0)->field) == sizeof(((theirs *) 0)->field)));
    const char *current = "";
    NSNAPC_LAYOUT_FIELDS(PRINT_FIELD)
#undef PRINT_FIELD

    int constants = 0, strings = 0;
#define COUNT_CONSTANT(ours, theirs)                                                                \
    ++constants;                                                                                    \
    if ((long long) (ours) != (long long) (theirs)) {                                               \
        printf("  constant %s = %lld, Open MPI %s = %lld: %s\n", #ours, (long long) (ours), #theirs, \
               (long long) (theirs), verdict(0));                                                   \
    }
    NSNAPC_LAYOUT_CONSTANTS(COUNT_CONSTANT)
#undef COUNT_CONSTANT
#define COUNT_STRING(ours, theirs)                                                                  \
    ++strings;                                                                                      \
    if (strcmp(ours, theirs) != 0) {                                                                \
        printf("  string %s: %s\n", #ours, verdict(0));                                             \
    }
    NSNAPC_LAYOUT_STRINGS(COUNT_STRING)
#undef COUNT_STRING
    printf("  %d structs, %d fields, %d constants, %d strings compared\n", structs, fields, constants, strings);
    return structs + fields + constants + strings;
}

/* Prints every defined dynamic symbol of the library file with its version, resolving each by dlsym. */
static int print_exports(const char *path, void *handle)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(path);
        return -1;
    }
    const unsigned char *image = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (image == MAP_FAILED) {
        perror("mmap");
        return -1;
    }
    const Elf64_Ehdr *ehdr = (const Elf64_Ehdr *) image;
    const Elf64_Shdr *sections = (const Elf64_Shdr *) (image + ehdr->e_shoff);
    const Elf64_Shdr *dynsym = NULL, *versym = NULL, *verdef = NULL;
    for (int i = 0; i < ehdr->e_shnum; ++i) {
        switch (sections[i].sh_type) {
        case SHT_DYNSYM: dynsym = &sections[i]; break;
        case SHT_GNU_versym: versym = &sections[i]; break;
        case SHT_GNU_verdef: verdef = &sections[i]; break;
        default: break;
        }
    }
    if (dynsym == NULL) {
        fprintf(stderr, "%s has no .dynsym\n", path);
        return -1;
    }
    const char *strings = (const char *) (image + sections[dynsym->sh_link].sh_offset);
    const Elf64_Sym *symbols = (const Elf64_Sym *) (image + dynsym->sh_offset);
    size_t count = dynsym->sh_size / sizeof(Elf64_Sym);

    printf("\nExported symbols of %s\n", path);
    int exported = 0;
    for (size_t i = 1; i < count; ++i) {
        const Elf64_Sym *sym = &symbols[i];
        int type = ELF64_ST_TYPE(sym->st_info);
        if (sym->st_shndx == SHN_UNDEF || sym->st_shndx == SHN_ABS ||
            (type != STT_FUNC && type != STT_OBJECT)) {
            continue;
        }
        const char *version = "";
        if (versym != NULL && verdef != NULL) {
            Elf64_Half index = ((const Elf64_Half *) (image + versym->sh_offset))[i] & 0x7fff;
            const unsigned char *def = image + verdef->sh_offset;
            for (;;) {
                const Elf64_Verdef *vd = (const Elf64_Verdef *) def;
                if (vd->vd_ndx == index) {
                    version = strings + ((const Elf64_Verdaux *) (def + vd->vd_aux))->vda_name;
                    break;
                }
                if (vd->vd_next == 0) {
                    break;
                }
                def += vd->vd_next;
            }
        }
        const char *name = strings + sym->st_name;
        void *address = dlsym(handle, name);
        char kind[32];
        if (type == STT_OBJECT) {
            snprintf(kind, sizeof kind, "data, %lu bytes", (unsigned long) sym->st_size);
        } else {
            snprintf(kind, sizeof kind, "function");
        }
        printf("  %-40s %-16s %-18s dlsym %s\n", name, version, kind, verdict(address != NULL));
        ++exported;
    }
    munmap((void *) image, (size_t) st.st_size);
    return exported;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s <installed libnative_snapc.so>\n", argv[0]);
        return 2;
    }
    char resolved[4096];
    const char *path = realpath(argv[1], resolved) != NULL ? resolved : argv[1];
    void *handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        fprintf(stderr, "dlopen(%s): %s\n", argv[1], dlerror());
        return 1;
    }
    const nsnapc_abi_info_t *abi = dlsym(handle, "native_snapc_abi");
    if (abi == NULL) {
        fprintf(stderr, "no native_snapc_abi in %s\n", argv[1]);
        return 1;
    }

    printf("native-snapc ABI self-check\n");
    printf("  library        %s\n                 (loaded as %s, dlopen RTLD_NOW|RTLD_LOCAL)\n", path, argv[1]);
    uint32_t major = 0, minor = 0, patch = 0;
    int rc = abi->query_version(&major, &minor, &patch);
    printf("  version        %u.%u.%u (managed code called through native_snapc_abi.query_version): %s\n",
           major, minor, patch,
           verdict(rc == 0 && major == NATIVE_SNAPC_VERSION_MAJOR && minor == NATIVE_SNAPC_VERSION_MINOR &&
                   patch == NATIVE_SNAPC_VERSION_PATCH));
    printf("  ABI            %u.%u, struct_size %u: %s\n", abi->abi_major, abi->abi_minor, abi->struct_size,
           verdict(abi->abi_major == NATIVE_SNAPC_ABI_MAJOR && abi->struct_size == sizeof(nsnapc_abi_info_t)));
    printf("  layout         Open MPI %u.%u %s (opal_object_t %u bytes; these headers: %zu): %s\n",
           abi->opal_major, abi->opal_minor,
           abi->layout_variant == NSNAPC_LAYOUT_OPAL_RELEASE ? "release build" : "unsupported variant",
           abi->opal_object_size, sizeof(opal_object_t),
           verdict(abi->layout_variant == NSNAPC_LAYOUT_OPAL_RELEASE && abi->opal_major == OPAL_MAJOR_VERSION &&
                   abi->opal_minor == OPAL_MINOR_VERSION && abi->opal_object_size == sizeof(opal_object_t)));

    int facts = print_layouts();
    int exported = print_exports(path, handle);
    if (exported <= 0) {
        ++mismatches;
    }
    printf("\nSummary: %d layout facts and %d exported symbols checked: %s\n", facts, exported,
           mismatches == 0 ? "all match" : "MISMATCHES FOUND");
    return mismatches == 0 ? 0 : 1;
}
