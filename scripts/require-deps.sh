#!/bin/sh
# Makes sure the machine has what the build and the tests need. As root it installs the missing
# Debian packages; otherwise it prints the exact command and stops.
set -eu

missing=""
need() { # need <command or file> <debian package>
    case $1 in
        /*) [ -e "$1" ] || missing="$missing $2" ;;
        *) command -v "$1" >/dev/null 2>&1 || missing="$missing $2" ;;
    esac
}
need cmake cmake
need make make
need gcc gcc
need g++ g++
need clang clang
need pkg-config pkg-config
need nm binutils
need readelf binutils
need mpirun openmpi-bin
need /usr/lib/x86_64-linux-gnu/openmpi/include/openmpi/opal_config.h libopenmpi-dev
missing=$(printf '%s\n' $missing | sort -u | tr '\n' ' ')

if [ -n "${missing% }" ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "Installing missing Debian packages: $missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        # shellcheck disable=SC2086
        apt-get install -y -q $missing
    else
        echo "Missing Debian packages. Run, as root:" >&2
        echo "    apt-get install -y $missing" >&2
        exit 1
    fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET SDK (dotnet, 9.0 or newer) is required and not on PATH: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
    exit 1
fi
