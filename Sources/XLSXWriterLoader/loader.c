// libxlsxwriter is opened with dlopen on the first call instead of being linked. Linked, the
// dynamic loader mapped and relocated it and what it pulls in (libminizip and libcrypto, whose
// constructors run too) at the start of every command: about 1.4 ms of CPU, while only
// `taizhang export` writes a workbook. Each function below has the signature the header
// declares and forwards to the library's own. The definitions are hidden, so they never
// interpose on the library's internal calls to its own functions.
//
// Without the library a workbook cannot be created (workbook_new_opt returns NULL and the
// caller reports it); every other call needs a workbook first.
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#pragma GCC visibility push(hidden)
#include <xlsxwriter.h>

#define XLSX_FUNCTIONS(F)                                                                               \
    F(R, const char *, lxw_version, (void), ())                                                            \
    F(R, char *, lxw_strerror, (lxw_error error_num), (error_num))                                         \
    F(R, lxw_workbook *, workbook_new_opt, (const char *filename, lxw_workbook_options *options),          \
      (filename, options))                                                                              \
    F(R, lxw_worksheet *, workbook_add_worksheet, (lxw_workbook * workbook, const char *sheetname),        \
      (workbook, sheetname))                                                                            \
    F(R, lxw_format *, workbook_add_format, (lxw_workbook * workbook), (workbook))                         \
    F(R, lxw_error, workbook_close, (lxw_workbook * workbook), (workbook))                                 \
    F(R, lxw_error, workbook_set_properties, (lxw_workbook * workbook, lxw_doc_properties * properties),   \
      (workbook, properties))                                                                           \
    F(V, void, format_set_bold, (lxw_format * format), (format))                                           \
    F(V, void, format_set_num_format, (lxw_format * format, const char *num_format), (format, num_format)) \
    F(V, void, format_set_text_wrap, (lxw_format * format), (format))                                      \
    F(V, void, format_set_bg_color, (lxw_format * format, lxw_color_t color), (format, color))             \
    F(V, void, format_set_border, (lxw_format * format, uint8_t style), (format, style))                   \
    F(R, lxw_error, worksheet_write_number,                                                                \
      (lxw_worksheet * worksheet, lxw_row_t row, lxw_col_t col, double number, lxw_format *format),     \
      (worksheet, row, col, number, format))                                                            \
    F(R, lxw_error, worksheet_write_string,                                                                \
      (lxw_worksheet * worksheet, lxw_row_t row, lxw_col_t col, const char *string, lxw_format *format), \
      (worksheet, row, col, string, format))                                                            \
    F(R, lxw_error, worksheet_set_column,                                                                  \
      (lxw_worksheet * worksheet, lxw_col_t first_col, lxw_col_t last_col, double width,                \
       lxw_format *format),                                                                             \
      (worksheet, first_col, last_col, width, format))                                                  \
    F(R, lxw_error, worksheet_autofilter,                                                                  \
      (lxw_worksheet * worksheet, lxw_row_t first_row, lxw_col_t first_col, lxw_row_t last_row,         \
       lxw_col_t last_col),                                                                             \
      (worksheet, first_row, first_col, last_row, last_col))                                            \
    F(V, void, worksheet_freeze_panes, (lxw_worksheet * worksheet, lxw_row_t row, lxw_col_t col),          \
      (worksheet, row, col))

#define FIELD(kind, ret, name, params, args) ret(*name) params;
static struct {
    XLSX_FUNCTIONS(FIELD)
} xlsx;
static pthread_once_t xlsxOnce = PTHREAD_ONCE_INIT;

// Resolves every function or none, so a half-loaded library is never called.
static void xlsxOpen(void) {
    void *library = dlopen("libxlsxwriter.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) { library = dlopen("libxlsxwriter.so", RTLD_NOW | RTLD_LOCAL); }
    if (library == NULL) { return; }
#define RESOLVE(kind, ret, name, params, args)                                    \
    *(void **)(&xlsx.name) = dlsym(library, #name);                           \
    if (xlsx.name == NULL) {                                                  \
        memset(&xlsx, 0, sizeof xlsx);                                        \
        return;                                                               \
    }
    XLSX_FUNCTIONS(RESOLVE)
}

// A missing library makes workbook_new_opt return NULL; the other functions are only
// reachable with a workbook, so their fallback (0 or nothing) is never used by taizhang.
#define FORWARD(kind, ret, name, params, args) FORWARD_##kind(ret, name, params, args)
#define FORWARD_R(ret, name, params, args)          \
    ret name params {                               \
        pthread_once(&xlsxOnce, xlsxOpen);          \
        if (xlsx.name == NULL) { return (ret)0; }   \
        return xlsx.name args;                      \
    }
#define FORWARD_V(ret, name, params, args)          \
    ret name params {                               \
        pthread_once(&xlsxOnce, xlsxOpen);          \
        if (xlsx.name != NULL) { xlsx.name args; }  \
    }
XLSX_FUNCTIONS(FORWARD)

#pragma GCC visibility pop
