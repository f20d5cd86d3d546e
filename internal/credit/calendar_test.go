package credit

import (
	"os"
	"strings"
	"testing"
	"time"
)

// noticeDays is one year's notice written out day by day, apart from the
// range notation of data/holidays.json: the Monday–Friday days it gives off,
// and the weekend days it makes working days with the weekday the notice
// names for each.
type noticeDays struct {
	year   int
	docNo  string
	off    []string // MM-DD, Monday–Friday days off
	worked []string // "MM-DD 周六" as the notice says
}

// The notices' text as found (see each year's verified_by in
// data/holidays.json); the comments quote the sentences each line rests on.
var noticeTable = []noticeDays{
	{2022, "国办发明电〔2021〕11号",
		[]string{
			"01-03",                                     // 元旦：1月1日至3日
			"01-31", "02-01", "02-02", "02-03", "02-04", // 春节：1月31日至2月6日
			"04-04", "04-05", // 清明节：4月3日至5日
			"05-02", "05-03", "05-04", // 劳动节：4月30日至5月4日
			"06-03",                                     // 端午节：6月3日至5日
			"09-12",                                     // 中秋节：9月10日至12日
			"10-03", "10-04", "10-05", "10-06", "10-07", // 国庆节：10月1日至7日
		},
		[]string{"01-29 周六", "01-30 周日", "04-02 周六", "04-24 周日", "05-07 周六", "10-08 周六", "10-09 周日"}},
	{2023, "国办发明电〔2022〕16号",
		[]string{
			"01-02",                                     // 元旦：2022年12月31日至2023年1月2日
			"01-23", "01-24", "01-25", "01-26", "01-27", // 春节：1月21日至27日
			"04-05",                   // 清明节：4月5日，共1天
			"05-01", "05-02", "05-03", // 劳动节：4月29日至5月3日
			"06-22", "06-23", // 端午节：6月22日至24日
			"09-29", "10-02", "10-03", "10-04", "10-05", "10-06", // 中秋节、国庆节：9月29日至10月6日
		},
		[]string{"01-28 周六", "01-29 周日", "04-23 周日", "05-06 周六", "06-25 周日", "10-07 周六", "10-08 周日"}},
	{2024, "国办发明电〔2023〕7号",
		[]string{
			"01-01",                                     // 元旦：1月1日
			"02-12", "02-13", "02-14", "02-15", "02-16", // 春节：2月10日至17日（除夕2月9日只是“鼓励”休息）
			"04-04", "04-05", // 清明节：4月4日至6日
			"05-01", "05-02", "05-03", // 劳动节：5月1日至5日
			"06-10",          // 端午节：6月10日
			"09-16", "09-17", // 中秋节：9月15日至17日
			"10-01", "10-02", "10-03", "10-04", "10-07", // 国庆节：10月1日至7日
		},
		[]string{"02-04 周日", "02-18 周日", "04-07 周日", "04-28 周日", "05-11 周六", "09-14 周六", "09-29 周日", "10-12 周六"}},
	{2025, "国办发明电〔2024〕12号",
		[]string{
			"01-01",                                              // 元旦：1月1日（周三）
			"01-28", "01-29", "01-30", "01-31", "02-03", "02-04", // 春节：1月28日至2月4日
			"04-04",                   // 清明节：4月4日至6日
			"05-01", "05-02", "05-05", // 劳动节：5月1日至5日
			"06-02",                                              // 端午节：5月31日至6月2日
			"10-01", "10-02", "10-03", "10-06", "10-07", "10-08", // 国庆节、中秋节：10月1日至8日
		},
		[]string{"01-26 周日", "02-08 周六", "04-27 周日", "09-28 周日", "10-11 周六"}},
	{2026, "国办发明电〔2025〕7号",
		[]string{
			"01-01", "01-02", // 元旦：1月1日至3日
			"02-16", "02-17", "02-18", "02-19", "02-20", "02-23", // 春节：2月15日至23日
			"04-06",                   // 清明节：4月4日至6日
			"05-01", "05-04", "05-05", // 劳动节：5月1日至5日
			"06-19",                                     // 端午节：6月19日至21日
			"09-25",                                     // 中秋节：9月25日至27日
			"10-01", "10-02", "10-05", "10-06", "10-07", // 国庆节：10月1日至7日
		},
		[]string{"01-04 周日", "02-14 周六", "02-28 周六", "05-09 周六", "09-20 周日", "10-10 周六"}},
}

// TestCalendarAgainstNotices checks every day of 2022–2026 against the
// State Council General Office's notice of its year: a day is a working day
// exactly when it is Monday–Friday and not given off, or a weekend day the
// notice makes a working day. Each year names its notice.
func TestCalendarAgainstNotices(t *testing.T) {
	c := DefaultCalendar()
	if got := yearList(c.Years()); got != "2022–2026" {
		t.Fatalf("years %s", got)
	}
	for _, n := range noticeTable {
		no, ok := c.Notice(n.year)
		title := "国务院办公厅关于" + itoa(n.year) + "年部分节假日安排的通知"
		if !ok || no.Title != title || no.DocNo != n.docNo || len(no.VerifiedBy) < 2 || no.Published == "" {
			t.Errorf("%d: notice %+v", n.year, no)
		}
		off, worked := map[string]bool{}, map[string]bool{}
		for _, s := range n.off {
			off[s] = true
		}
		for _, s := range n.worked {
			md, wd, _ := strings.Cut(s, " ")
			worked[md] = true
			if d := d(itoa(n.year) + "-" + md); weekdayNames[d.Weekday()] != wd {
				t.Errorf("%s %d-%s: the notice says %s, the date is a %s", n.docNo, n.year, md, wd, weekdayNames[d.Weekday()])
			}
		}
		for day := time.Date(n.year, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() == n.year; day = day.AddDate(0, 0, 1) {
			md := day.Format("01-02")
			weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
			want := (!weekend && !off[md]) || worked[md]
			if got := c.IsWorkday(day); got != want {
				t.Errorf("%s（%s）: %s working day %v, want %v", title, n.docNo, FormatDate(day), got, want)
			}
			if _, named := c.Holiday(day); off[md] && !named {
				t.Errorf("%s: %s off but without a holiday name", n.docNo, FormatDate(day))
			}
		}
	}
	// 2023's 元旦 began on Saturday 2022-12-31 (国办发明电〔2022〕16号)
	if h, ok := c.Holiday(d("2022-12-31")); !ok || h != "元旦" {
		t.Errorf("2022-12-31: %q", h)
	}
	if h, ok := c.Holiday(d("2025-10-06")); !ok || h != "国庆节、中秋节" {
		t.Errorf("2025-10-06: %q", h)
	}
}

func itoa(n int) string { return FormatDate(time.Date(n, 1, 1, 0, 0, 0, 0, time.UTC))[:4] }

// TestCalendarFileAddsAYear: a clerk's file with one more year (the 2021
// notice, 国办发明电〔2020〕27号) adds it to the embedded years; a year in
// the file replaces the same embedded year.
func TestCalendarFileAddsAYear(t *testing.T) {
	c, err := DefaultCalendar().WithFile("testdata/holidays-2021.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := yearList(c.Years()); got != "2021–2026" || DefaultCalendar().Covers(2021) {
		t.Fatalf("years %s", got)
	}
	// 国庆节 2021: 10月1日至7日; 9月26日（星期日）、10月9日（星期六）上班.
	// After Thu 2021-09-23: 9/24, 9/26 (Sun, worked), 9/27, 9/28, 9/29,
	// 9/30, 10/8 → the 7th is 10-08 (weekdays only it would be 10-01).
	if got := c.AddWorkdays(d("2021-09-23"), 7); FormatDate(got) != "2021-10-08" {
		t.Errorf("2021 deadline %s", FormatDate(got))
	}
	if got := DefaultCalendar().AddWorkdays(d("2021-09-23"), 7); FormatDate(got) != "2021-10-04" {
		t.Errorf("weekdays-only deadline %s", FormatDate(got)) // 9/24, 27, 28, 29, 30, 10/1, 10/4
	}
	if no, _ := c.Notice(2021); no.DocNo != "国办发明电〔2020〕27号" {
		t.Errorf("%+v", no)
	}
	// replacing a year: a (made-up, test-only) 2026 without 国庆节
	c2, err := DefaultCalendar().With([]byte(`{"years":{"2026":{"notice":"国务院办公厅关于2026年部分节假日安排的通知","holidays":[["2026-01-01","2026-01-03","元旦"]]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !c2.IsWorkday(d("2026-10-08")) || !c2.IsWorkday(d("2026-10-05")) || c2.IsWorkday(d("2026-10-10")) || !DefaultCalendar().IsWorkday(d("2026-10-10")) {
		t.Error("the file's 2026 did not replace the embedded one")
	}
	if _, err := DefaultCalendar().WithFile("testdata/no-such.json"); err == nil || err.Error() != "TONGCHENG_CREDIT_HOLIDAYS 所指的节假日文件 testdata/no-such.json 不存在，请核对路径" {
		t.Errorf("missing file: %v", err)
	}
}

// TestCalendarFileRefused: what a clerk may write wrong, each refused with
// a Chinese message naming the year, the entry and what to write.
func TestCalendarFileRefused(t *testing.T) {
	const notice = `"notice":"国务院办公厅关于2027年部分节假日安排的通知"`
	for in, msg := range map[string]string{
		``:             "节假日表是空的",
		`{"years":{}}`: "节假日表没有任何年份：请在 \"years\" 下按年写明通知名称、放假日期和调休上班日，见 data/README.md",
		"{\"years\":{\"2027\":{" + notice + ",\n\"holidays\":[[\"2027-01-01\",\"2027-01-03\",\"元旦\"]]\n\"workdays\":[]}}}": "节假日表第3行附近不是有效的 JSON（常见原因：漏了逗号或引号、多了末尾逗号、用了中文标点）",
		`{"years":{"2027":{` + notice + `,"holiday":[]}}}`:                                                                 "节假日表中有不认识的项目 \"holiday\"，请核对拼写（见 data/README.md）",
		`{"years":{"27":{` + notice + `}}}`:                                                                                "节假日表的年份“27”应写作四位数字，如 \"2027\"",
		`{"years":{"2027":{"holidays":[["2027-01-01","2027-01-01","元旦"]]}}}`:                                               "节假日表2027年缺少 notice（所据通知的名称）：请照抄通知标题，如“国务院办公厅关于2027年部分节假日安排的通知”",
		`{"years":{"2027":{"notice":"国务院办公厅关于2026年部分节假日安排的通知","holidays":[]}}}`:                                            "节假日表2027年的 notice“国务院办公厅关于2026年部分节假日安排的通知”不是2027年的通知，应为“国务院办公厅关于2027年部分节假日安排的通知”",
		`{"years":{"2027":{` + notice + `}}}`:                                                                              "节假日表2027年没有 holidays（放假日期）：请按通知逐项写 [\"起始日期\", \"结束日期\", \"节日名称\"]",
		`{"years":{"2027":{` + notice + `,"holidays":[["2027-01-01","2027-01-03"]]}}}`:                                     "节假日表2027年第1个放假区间应写成 [\"起始日期\", \"结束日期\", \"节日名称\"]，如 [\"2027-10-01\", \"2027-10-07\", \"国庆节\"]",
		`{"years":{"2027":{` + notice + `,"holidays":[["2027-01-01","2027-1-3","元旦"]]}}}`:                                  "节假日表2027年第1个放假区间的日期“2027-1-3”无法识别，应写作 YYYY-MM-DD，如 2027-10-01",
		`{"years":{"2027":{` + notice + `,"holidays":[["2026-10-01","2026-10-07","国庆节"]]}}}`:                               "节假日表2027年第1个放假区间的日期2026-10-01不在2027年（只有元旦可从上一年12月开始），请核对年份",
		`{"years":{"2027":{` + notice + `,"holidays":[["2027-10-07","2027-10-01","国庆节"]]}}}`:                               "节假日表2027年第1个放假区间（国庆节）的结束日期2027-10-01早于起始日期2027-10-07",
		`{"years":{"2027":{` + notice + `,"holidays":[["2027-10-01","2027-10-17","国庆节"]]}}}`:                               "节假日表2027年第1个放假区间（国庆节）从2027-10-01到2027-10-17共17天，通知中的假期都不超过10天，请核对",
		`{"years":{"2027":{` + notice + `,"holidays":[["2027-01-01","2027-01-01","元旦"]],"workdays":["2027-10-11"]}}}`:      "节假日表2027年第1个调休上班日 2027-10-11 是周一，不是周六或周日：workdays 只写通知中“上班”的周末日期",
		`{"years":{"2027":{` + notice + `,"holidays":[["2027-01-01","2027-01-03","元旦"]],"workdays":["2027-01-02"]}}}`:      "节假日表2027年的 2027-01-02 既在元旦放假区间中，又写作调休上班日，请按通知核对",
		`{"years":{"2027":{` + notice + `,"holidays":[["2027-01-01","2027-01-01","元旦"]],"workdays":[7]}}}`:                 "节假日表第1行附近“workdays”的写法不对：此处应为带引号的文字",
	} {
		_, err := ParseCalendar([]byte(in))
		if err == nil || err.Error() != msg {
			t.Errorf("%s\n got %v\nwant %s", in, err, msg)
		}
	}
	// one day in two years: 2026-12-31 as 2027's 元旦 while the file's 2026 has it too
	two := `{"years":{"2026":{"notice":"国务院办公厅关于2026年部分节假日安排的通知","holidays":[["2026-12-31","2026-12-31","测试"]]},
	"2027":{` + notice + `,"holidays":[["2026-12-31","2027-01-02","元旦"]]}}}`
	if _, err := ParseCalendar([]byte(two)); err == nil || err.Error() != "2026-12-31 同时写在节假日表2026年和2027年中，请只留在所据通知的那一年" {
		t.Errorf("two years: %v", err)
	}
	// the module: a file that cannot be read leaves the embedded years and says so
	t.Setenv(HolidaysFileEnv, "testdata/no-such.json")
	t.Setenv(BulletinConfigEnv, "")
	t.Setenv(BulletinTypesEnv, "")
	m := NewModule()
	if m.Calendar() != DefaultCalendar() || len(m.configErrs) != 1 ||
		m.configErrs[0] != "TONGCHENG_CREDIT_HOLIDAYS 所指的节假日文件 testdata/no-such.json 不存在，请核对路径；月通报仍只用内置的节假日表（2022–2026年）" {
		t.Errorf("%q", m.configErrs)
	}
	if _, err := os.Stat("testdata/holidays-2021.json"); err != nil {
		t.Fatal(err)
	}
}
