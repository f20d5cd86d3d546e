// Package river is the engine of 河长制 E 平台, the river-chief platform the
// four cities 成都、德阳、眉山、资阳 share for the 岷江 and 沱江 basins.
//
// This part is pure: no database, no HTTP, no clock. Callers pass "now".
// Besides the arguments, its only input is the embedded reference data:
//
//   - data/gb3838.json — GB 3838-2002 表1 (基本项目标准限值): 24 rows with
//     units, direction (上限; 溶解氧 下限; pH 6–9), river and 湖库 limits of
//     总磷, the routine exclusions (水温、总氮、粪大肠菌群) and the source;
//   - data/rivers.json — the main rivers of the four cities and their
//     monitoring and hand-over sections, each fact with its source and the
//     unverified ones listed;
//   - data/patrol.json — the required patrol frequency of each chief level
//     (configuration; product defaults, unverified);
//   - data/workflow.json — the handling deadline of each severity at 交办 and
//     the escalation interval of overdue problems (configuration; product
//     defaults, unverified), read by LoadWorkflowConfig.
//
// Water quality (gb3838.go):
//
//	DefaultStandard() (*Standard, error); ParseStandard([]byte) (*Standard, error)
//	(*Standard).Param(codeOrName string) *Parameter
//	(*Parameter).ClassOf(v float64, body WaterBody) (Class, error)
//	(*Parameter).Limit(c Class, body WaterBody) (float64, bool)
//	(*Standard).Classify(Sample, Options) (Result, error); Classify(Sample, Options) (Result, error)
//	Result.Exceeds(s *Standard, target Class, body WaterBody) []Exceedance
//	Class (ClassI … ClassV, ClassWorseV): String() "Ⅲ类", Grade() "良好"; ParseClass(string) (Class, error)
//
// Problems (workflow.go): the state machine 上报 → 受理 | 不予受理 → 交办 →
// 签收/处理中 ⇄ 延期审核 → 处理反馈 → 核查通过 → 办结销号, or 退回重办.
//
//	NewProblem(r Report, actor Actor, now time.Time) (Problem, HistoryEntry, error)  // 上报
//	Transition(p Problem, a Action, actor Actor, now time.Time) (Problem, HistoryEntry, error)
//	(WorkflowConfig).Transition(...)  // same, with configured deadlines
//	Next(State, ActionKind) (State, bool)
//	Overdue(p Problem, now time.Time) bool; ClosedOnTime(p Problem) bool
//	(WorkflowConfig).EscalationLevel(p, now) Level; (WorkflowConfig).Escalate(p, now) (Problem, HistoryEntry, bool)
//	DefaultWorkflowConfig() WorkflowConfig; LoadWorkflowConfig([]byte) (WorkflowConfig, error)
//	MonitoringWarning(s *Standard, sec SectionRef, body WaterBody, res Result, hasOpen bool) (Report, bool) // 监测预警, once
//	errors are *WorkflowError{Code, Msg}: Code is stable for the API, Msg Chinese.
//
// Patrols (patrol.go):
//
//	(PatrolConfig).Validate(p Patrol, now time.Time) error
//	(Patrol).Length() float64 (km); Haversine(lat1, lon1, lat2, lon2) float64
//	(PatrolConfig).Required(l Level, from, to time.Time) int  // Count × periods covered, nearest, ≥ 1
//	LoadPatrolFrequencies([]byte) (map[Level]Frequency, error)
//	(PatrolConfig).Compliance(chiefs []Chief, patrols []Patrol, from, to time.Time) []Compliance
//	DefaultPatrolConfig() PatrolConfig; FourCitiesBox
//
// Assessment (assessment.go):
//
//	(AssessmentConfig).Assess(AssessmentInput) ([]UnitScore, error)
//	SectionAttainment(s *Standard, id, region string, target Class, samples []Sample, opt Options) (SectionResult, error)
//	DefaultAssessmentConfig() AssessmentConfig
//
// Reference rivers (rivers.go):
//
//	LoadAtlas() (*Atlas, error); ParseAtlas([]byte) (*Atlas, error)
//	(*Atlas).River(idNameOrAlias) *RiverInfo; Tributaries(id); SectionsOf(id); InRegion(code); Basin(name)
//	(*RiverInfo).Cities() []string; FlowsFrom(a, b string) bool; Verified(field string) bool
//
// Operations on top of the engine (module side, with the store):
//
//   - escalation.go: the overdue job (超期升级) run by serve every minute and by
//     `tongcheng jobs`: EscalateOverdue(ctx, now) flags and escalates by
//     WorkflowConfig.Escalate, each change claimed by a conditional UPDATE;
//   - supervise.go: the 督办 page and API (overdue problems by unit, a note sent down);
//   - assessmentpage.go: the 考核 ranking of cities or counties for a month,
//     quarter or year from the stored rows, weights in data/assessment.json, .xlsx;
//   - readings.go, trends.go: readings import from CSV or .xlsx in batches, the
//     section trend page (class and each parameter against its class limits);
//   - photos.go: JPEG/PNG photos of a problem, checked by content (the whole image
//     decodes), kept in the database with a JPEG thumbnail (最长边 320) made on upload;
//     the public may attach up to MaxPublicPhotos to a report and see them on its
//     tracking page;
//   - chiefedit.go: the 河长办's register of chiefs: register, change, move a reach
//     (调整), retire a chief (卸任) handing every reach to a successor in the same
//     step; river_reach_terms keeps who held which reach from when to when.
//
// Defaults that are product choices, not rules (deadlines per severity,
// patrol frequencies, assessment weights, the four cities' bounding box, the
// plausibility limits of readings) are marked unverified where defined and
// are meant to be overridden from configuration.
package river
