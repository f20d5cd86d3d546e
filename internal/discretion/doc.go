// Package discretion is the engine of 联合行政执法智慧裁量平台, the joint
// penalty-discretion platform of the market regulators of 成都、德阳、眉山、资阳.
//
// The engine is pure: no database, no HTTP, no clock. Its only input besides
// the arguments is the embedded reference data in data/:
//
//   - data/catalogue.json — the 裁量基准 catalogue: one item per violation
//     (事项) with the violated provision, the penalty provision, the penalty
//     kinds and the fine rule of every law version it knows;
//   - data/indicators.json — the three indicator systems of the "1+3" method
//     (个案 factor sets, 共性 statutory circumstances, 案件影响 factors), their
//     weights, the tier split, the rounding rule and the procedural thresholds.
//
// Legal staff edit those files; code does not hold legal facts.
//
// The "1+3" formula (one formula, three indicator systems) as implemented:
//
//  1. limitation, 行政处罚法 第三十六条;
//  2. 不予处罚 (第三十条、第三十一条、第三十三条);
//  3. the law version, 从旧兼从轻 (第三十七条);
//  4. the legal fine range of the penalty clause (fixed range, multiple of a
//     base amount, switch on the base, cap only, fallback when the base
//     cannot be determined);
//  5. the tier (裁量阶次) from the 共性 circumstances: 减轻 / 从轻 / 一般 / 从重,
//     where 从轻 is the lowest 30 % of the range, 一般 30–70 %, 从重 the top 30 %;
//  6. the position inside the tier's band: the weighted mean of the 个案,
//     共性 and 案件影响 scores (0–100), as a fraction of the band;
//  7. the fine in 分, rounded as the data says and never outside the band;
//  8. confiscations and other penalty kinds the clause requires;
//  9. procedural consequences (听证, 法制审核, 集体讨论, 当场处罚), judged on the
//     fine to be decided: the officer's accepted proposal, else the suggestion.
//
// Circumstances whose basis is a sector rule (价格违法行为行政处罚规定第十七条 …) carry
// applies_to and count only for the items that rule governs; an act that falls under a
// revision the catalogue does not hold yet (pending_revision) is refused, not computed
// under the repealed text. A clause that fines only one kind of party (反不正当竞争法（2025）
// 第二十四条第一款: 有关单位; 第二款: 个人) refuses the other kind (party_not_covered) instead
// of lending it the range, also when 第三十七条 would have to compare against it.
//
// Every step is recorded in Result.Steps in Chinese so that a 法制审核员 can
// check it by hand. Money is always an int64 number of 分.
//
// API for the handlers (a later phase wires storage and pages):
//
//	Compute(in Input) (Result, error)            // over the embedded data
//	DefaultEngine() (*Engine, error); (*Engine).Compute(in Input) (Result, error)
//	(*Engine).Quick(in Input) (Result, error)    // same numbers, no Steps (batch use)
//	New(cat *Catalogue, ind *Indicators) (*Engine, error) // over edited data
//	ParseCatalogue([]byte) (*Catalogue, error); ParseIndicators([]byte) (*Indicators, error)
//	Default() (*Catalogue, *Indicators, error)
//	Suggest(text string, n int) []Suggestion     // 法条智能引用
//	NewIndex(*Catalogue) *Index; (*Index).Suggest(text string, n int) []Suggestion
//	PriorViolationSource                          // consumer interface, satisfied by credit
//	PriorFacts(in *Input, priors []PriorViolation, kind string, asOf time.Time)
//	PriorsAsOf(in *Input) time.Time              // the act's day (or end): where the windows count back from
//	Yuan(fen int64) string                        // 分 → "1,234.56元"
//
// Compute never reads a clock or a store: the caller passes Input.Today and the
// prior-violation facts (Input.PriorsKnown, PriorSameKind2Years,
// PriorSameKind1Year), which it gets from a PriorViolationSource through
// PriorFacts, counting back from PriorsAsOf (the act, not the day of computation). Bad input gives an *InputError with the JSON field path of
// Input, a stable code (ErrUnknownItem …) and a Chinese message.
//
// Around the engine the module keeps cases (store.go, handlers.go) and takes a
// case to its decision (decision.go):
//
//   - the case carries what the 行政处罚决定书 (第五十九条) and the credit
//     library's 行政处罚 record need: 法定代表人, 地址, 证据, 失信等级, 没收违法所得,
//     the deciding bureau (data/bureaus.json) and its 统一社会信用代码;
//   - 听证 and 集体讨论 are recorded as steps (告知 with its date, the party's
//     request or waiver within 五日 = five working days, 第六十四条、第八十五条,
//     the hearing, the collective discussion and its conclusion); a case the
//     engine says needs them cannot be decided before they are recorded;
//   - deciding a case takes the bureau's next 决定书文号 of the year
//     (成市监处罚〔2026〕1号) and hands the penalty to a PenaltySink (the credit
//     library, wired in app) inside the same transaction: all or nothing, and a
//     number is never given twice (decideIn; a decision that gives no penalty kind,
//     e.g. only 责令改正, takes no number and publishes nothing);
//   - /discretion/cases/{id}/decision is the printable 决定书 (A4);
//   - the demo generator (demo.go) decides its cases through the same decideIn, in
//     the order of their decision days, so generated decisions carry real numbers
//     and their penalties are in the credit library.
package discretion
