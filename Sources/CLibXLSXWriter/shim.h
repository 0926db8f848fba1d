#ifndef TAIZHANG_CLIBXLSXWRITER_SHIM_H
#define TAIZHANG_CLIBXLSXWRITER_SHIM_H

// libxlsxwriter (Debian `libxlsxwriter-dev`) writes XLSX workbooks for `taizhang export`.
// The library is not linked: loader.c opens it on the first call (see there), so only the
// functions loader.c forwards may be called.
#include <xlsxwriter.h>

#endif
