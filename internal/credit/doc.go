// Package credit is the engine of 成德眉资信用数据共享库, the public-credit
// library shared by 成都、德阳、眉山、资阳. This file set is the pure part:
// no database, no HTTP, no clock. Storage, pages and the JSON push API wire
// it up in a later phase.
//
// Reference data lives in data/ (data/README.md says, in Chinese, how a
// clerk adds a year or changes a setting without a rebuild):
//   - holidays.json is the official working-day calendar 2022–2026, one entry
//     a year naming its State Council General Office notice (国务院办公厅关于
//     某年部分节假日安排的通知: title, 文号, date, where it was checked);
//     TONGCHENG_CREDIT_HOLIDAYS names a file of further years;
//   - bulletin.json is the 月通报's deadline (7 working days, 发改办财金〔2018〕
//     424号) and ranking weights (40/30/30, the platform's own), with their
//     sources; TONGCHENG_CREDIT_BULLETIN_CONFIG names a file replacing it.
//
// API for the store and handlers:
//
//	// 统一社会信用代码 (GB 32100-2015)
//	ParseUSCC(s string) (USCC, error)              // *CodeError{Code, Reason}
//	NormalizeUSCC(s string) string
//	USCCCheckChar(first17 string) (byte, bool)     // MOD 31, 18th char
//	OrgCodeCheckChar(body8 string) (byte, bool)    // GB 11714 MOD 11, 17th char
//	(USCC).IssueRegionName() string; (USCC).NoCode() bool; (USCC).Notes() []string
//
//	// domain types and validation (FieldErrors: per-field Chinese reasons)
//	Subject, Record (+LicenceDetail, PenaltyDetail), BlacklistEntry, RepairApplication
//	ValidateSubject(*Subject) FieldErrors; ValidateRecord(*Record) FieldErrors
//	ValidateBlacklist(*BlacklistEntry) FieldErrors
//	DecisionNotFuture(*Record, today, line) FieldErrors  // no decision date after the day received
//	(*Subject).Key(), (*Record).Key(), (*BlacklistEntry).Key()   // natural keys
//	PublicationPeriod(Severity, decided time.Time) Period      // 国办发〔2025〕22号
//	(*Record).PublicOn(on, repairedOn time.Time) bool; (*Record).PublicEnd(repairedOn) time.Time
//	(Record).PublicView() Record; MaskIDNumber(string) string; ValidResidentID(string) bool
//	NewRepairApplication(key, applicant, reason, on, Period) (*RepairApplication, error)
//	(*RepairApplication).Advance(RepairAction, by string, on time.Time, note string) error
//
//	// import: streaming CSV (UTF-8/BOM/GBK) and .xlsx rows
//	OpenRows(r io.Reader, size int64, ReadOptions) (*RowReader, error) // *FileError
//	(*RowReader).Next() (Row, error)   // io.EOF; FieldError = bad row, go on
//	SubjectFromRow(Row) (Subject, FieldErrors); RecordFromRow(Row, RecordType) (Record, FieldErrors)
//	BlacklistFromRow(Row) (BlacklistEntry, FieldErrors)
//	ValidateRows[T](rr, conv, accept func(line int, v T) error) (ImportReport, error)
//	ParseDate(s string, xlsx bool) (time.Time, error); ParseWanYuan(s string) (int64, error)
//
//	// monthly bulletin (月通报)
//	DefaultBulletinConfig() BulletinConfig; ParseBulletinTypes(string) ([]RecordType, error) // TONGCHENG_CREDIT_BULLETIN_TYPES
//	ParseBulletinSettings(cfg, []byte) / LoadBulletinSettings(cfg, path) (BulletinConfig, error) // data/bulletin.json format
//	ComputeBulletin(cfg, year, month, []RecordSummary) Bulletin
//	RequiredFieldCount(*Record) (filled, required int)
//	DefaultCalendar() *Calendar; (*Calendar).IsWorkday / AddWorkdays / WorkdaysBetween
//	ParseCalendar([]byte); (*Calendar).With([]byte) / WithFile(path); Covers / Years / Notice(year)
//	(*Module).Calendar() *Calendar  // the embedded calendar plus TONGCHENG_CREDIT_HOLIDAYS
//
// Dates are calendar dates at 00:00 UTC (no zone); money is int64 分.
package credit
