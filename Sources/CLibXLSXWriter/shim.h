#ifndef TAIZHANG_CLIBXLSXWRITER_SHIM_H
#define TAIZHANG_CLIBXLSXWRITER_SHIM_H

// libxlsxwriter (Debian `libxlsxwriter-dev`) writes XLSX workbooks for `taizhang export`.
#include <xlsxwriter.h>

#endif
