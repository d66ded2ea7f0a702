#!/bin/sh
# Builds the consumer with the flags the installed pkg-config file gives, as an autotools-built
# MPI runtime would, and runs it.   usage: pkg_config_consumer.sh <prefix> <libdir name> <cc> <src> <out>
set -eu
prefix=$1 libdir=$2 cc=$3 src=$4 out=$5
PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
export PKG_CONFIG_PATH
pkg-config --exists --print-errors native_snapc
flags=$(pkg-config --cflags --libs native_snapc)
components=$(pkg-config --variable=mca_component_dir native_snapc)
test -e "$components/mca_snapc_full.so" && test -e "$components/mca_crs_self.so"
"$cc" -std=c11 -Wall -Werror -o "$out" "$src" $flags -Wl,-rpath,"$(pkg-config --variable=libdir native_snapc)"
"$out"
