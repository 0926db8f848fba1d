#ifndef TAIZHANG_CLIBXML2_SHIM_H
#define TAIZHANG_CLIBXML2_SHIM_H

// Debian builds libxml2 with ICU; its headers would then drag in system ICU, which clashes
// with Foundation's copy ("'UErrorCode' has different definitions"). We never use the ICU
// parts, so switch them off before anything else is included.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xinclude.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlIO.h>

/// `xmlFree` is a mutable global function pointer; Swift 6 will not touch it directly.
static inline void taizhang_xmlFree(void *p) { xmlFree(p); }

/// The per-thread generic error handler is a macro Swift cannot import.
static inline void taizhang_setStructuredErrorHandler(void *ctx, xmlStructuredErrorFunc handler) {
    xmlSetStructuredErrorFunc(ctx, handler);
}

/// Turn off the default "print every error to stderr" behaviour for the current thread.
static void taizhang_silentGeneric(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void taizhang_silenceGenericErrors(void) {
    xmlSetGenericErrorFunc(NULL, taizhang_silentGeneric);
}

#endif
