/// Office formats for the people who live in Excel and carry packs on USB sticks:
/// XLSX and CSV exports, catalogue import from XLSX/CSV, and the hand-over zip.
///
/// XLSX is written with libxlsxwriter (a system library, like libxml2) and read with
/// ZIPFoundation plus the libxml2 wrapper; zips are written with ZIPFoundation.
public enum TaizhangOffice {}
