/*
 * The floor of `taizhang validate` for Benchmarks/validate.sh: the libxml2 calls that
 * `xmllint --noout --xinclude --nofixup-base-uris --schema` and Taizhang both make, and
 * nothing else, in a plain C program.
 *
 *   validate-floor SCHEMA MASTER   compile SCHEMA, parse MASTER, expand its XIncludes,
 *                                  validate; exit 0 when valid, 1 when not
 *   validate-floor --start-only    load libxml2, initialise it and exit (C start-up)
 *
 * Parser flags are Taizhang's (no network, big line numbers, no xml:base fix-ups, no CDATA
 * nodes). Nothing is freed, as `validate` leaves its document to the exit.
 */
#include <libxml/parser.h>
#include <libxml/xinclude.h>
#include <libxml/xmlschemas.h>
#include <string.h>

int main(int argc, char **argv) {
    xmlInitParser();
    if (argc == 2 && strcmp(argv[1], "--start-only") == 0) return 0;
    if (argc != 3) return 2;
    int options = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOBASEFIX | XML_PARSE_NOCDATA;
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(argv[1]);
    xmlSchemaPtr schema = parser ? xmlSchemaParse(parser) : NULL;
    if (schema == NULL) return 1;
    xmlDocPtr doc = xmlReadFile(argv[2], NULL, options);
    if (doc == NULL || xmlXIncludeProcessFlags(doc, options) < 0) return 1;
    xmlSchemaValidCtxtPtr validator = xmlSchemaNewValidCtxt(schema);
    return validator != NULL && xmlSchemaValidateDoc(validator, doc) == 0 ? 0 : 1;
}
