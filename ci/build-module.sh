#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds re1000.ko against KDIR in build/<name>/, a copy of the module sources, so
# that builds for several kernels (normal, debug) do not overwrite each other.
# Prints the path of the module.
#   build-module.sh <name> <kdir>
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1 kdir=$2
out=$PWD/build/$name
mkdir -p "$out"
# Mirror the sources; make only rebuilds what changed.
cp -a --update Kbuild "$out/"
cp -a --update drivers "$out/"
make -s -C "$kdir" M="$out" modules >&2
echo "$out/re1000.ko"
