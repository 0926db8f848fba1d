#ifndef TAIZHANG_XLSXWRITER_LOADER_H
#define TAIZHANG_XLSXWRITER_LOADER_H

// Nothing to import: loader.c defines the libxlsxwriter functions that the CLibXLSXWriter
// module declares, and opens the library with dlopen on the first call. Depending on this
// target links those definitions in.

#endif
