/*
 * The restart command of the CRS tests: writes its arguments and the environment a "self" restart sets
 * (OMPI_MCA_crs, OMPI_MCA_crs_self_do_restart, OMPI_MCA_crs_self_prefix) into the file named by its first
 * argument, one item per line, then exits 0. Its existence proves the command was run.
 *
 * usage: crs_restart_marker <marker file> [args...]
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        return 2;
    }
    FILE *marker = fopen(argv[1], "w");
    if (NULL == marker) {
        perror(argv[1]);
        return 3;
    }
    for (int i = 2; i < argc; ++i) {
        fprintf(marker, "arg=%s\n", argv[i]);
    }
    const char *names[] = {"OMPI_MCA_crs", "OMPI_MCA_crs_self_do_restart", "OMPI_MCA_crs_self_prefix"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
        const char *value = getenv(names[i]);
        fprintf(marker, "%s=%s\n", names[i], NULL != value ? value : "(unset)");
    }
    return 0 == fclose(marker) ? 0 : 4;
}
