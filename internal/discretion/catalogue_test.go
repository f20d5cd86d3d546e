package discretion

import (
	"testing"
)

// amounts for the table, in 元 with two decimals given as 分.
type am struct {
	goods, gains, adfee, turnover int64 // 分; -1 = not set, -2 = undeterminable
}

func (a am) apply(in *Input) {
	set := func(dst *Amount, v int64) {
		switch {
		case v == -2:
			*dst = Amount{Undeterminable: true}
		case v >= 0:
			*dst = Known(v)
		}
	}
	set(&in.Amounts.GoodsValue, a.goods)
	set(&in.Amounts.IllegalGains, a.gains)
	set(&in.Amounts.AdFee, a.adfee)
	set(&in.Amounts.IllegalTurnover, a.turnover)
}

const no = -1
const undet = -2

// Cases worked out by hand from each penalty clause: the legal range and the
// 一般 band (30 %–70 % of the range, or of the multiplier). Organisation,
// no circumstances, so the tier is 一般. Amounts in 元 unless marked.
var itemCases = []struct {
	id, article      string
	a                am
	natural, serious bool
	prereq           bool
	min, max         int64 // 元 ×100 = 分 (written in 分 via yuan())
	bandMin, bandMax int64
}{
	// 食品安全法
	{"food-122-1", "第一百二十二条第一款：货值不足一万元 5万–10万", am{999999, no, no, no}, false, false, false, yuan(50000), yuan(100000), yuan(65000), yuan(85000)},
	{"food-122-1", "第一百二十二条第一款：货值一万元以上（恰为10,000.00元）10–20倍", am{yuan(10000), no, no, no}, false, false, false, yuan(100000), yuan(200000), yuan(130000), yuan(170000)},
	{"food-122-1", "第一百二十二条第一款：货值为零，属不足一万元", am{0, no, no, no}, false, false, false, yuan(50000), yuan(100000), yuan(65000), yuan(85000)},
	{"food-122-2", "第一百二十二条第二款 5万–10万", am{no, no, no, no}, false, false, false, yuan(50000), yuan(100000), yuan(65000), yuan(85000)},
	{"food-123-1-1", "第一百二十三条第一款：货值5000元，10万–15万", am{yuan(5000), no, no, no}, false, false, false, yuan(100000), yuan(150000), yuan(115000), yuan(135000)},
	{"food-123-1-1", "第一百二十三条第一款：货值1.5万元，15–30倍 → 22.5万–45万；一般 19.5–25.5倍 → 29.25万–38.25万（货值2万元以上属情节严重，见TestFoodSeriousByRegulation）", am{yuan(15000), no, no, no}, false, false, false, yuan(225000), yuan(450000), yuan(292500), yuan(382500)},
	{"food-123-1-3", "第一百二十三条第一款第（三）项：货值9,999.99元", am{999999, no, no, no}, false, false, false, yuan(100000), yuan(150000), yuan(115000), yuan(135000)},
	{"food-123-1-4", "第一百二十三条第一款第（四）项：货值10,000.00元 15–30倍", am{yuan(10000), no, no, no}, false, false, false, yuan(150000), yuan(300000), yuan(195000), yuan(255000)},
	{"food-123-1-6", "第一百二十三条第一款第（六）项：货值1000元", am{yuan(1000), no, no, no}, false, false, false, yuan(100000), yuan(150000), yuan(115000), yuan(135000)},
	{"food-124-1-1", "第一百二十四条第一款第（一）项：货值3000元", am{yuan(3000), no, no, no}, false, false, false, yuan(50000), yuan(100000), yuan(65000), yuan(85000)},
	{"food-124-1-3", "第一百二十四条第一款第（三）项：货值10,000.00元", am{yuan(10000), no, no, no}, false, false, false, yuan(100000), yuan(200000), yuan(130000), yuan(170000)},
	{"food-124-1-4", "第一百二十四条第一款第（四）项：货值1,234.56元", am{123456, no, no, no}, false, false, false, yuan(50000), yuan(100000), yuan(65000), yuan(85000)},
	{"food-124-1-5", "第一百二十四条第一款第（五）项：货值15000元 → 15万–30万", am{yuan(15000), no, no, no}, false, false, false, yuan(150000), yuan(300000), yuan(195000), yuan(255000)},
	{"food-124-2", "第一百二十四条第二款：货值10,000.00元", am{yuan(10000), no, no, no}, false, false, false, yuan(100000), yuan(200000), yuan(130000), yuan(170000)},
	{"food-125-1-2", "第一百二十五条第一款：货值9,999.99元 5000–5万", am{999999, no, no, no}, false, false, false, yuan(5000), yuan(50000), yuan(18500), yuan(36500)},
	{"food-125-1-2", "第一百二十五条第一款：货值10,000.00元 5–10倍", am{yuan(10000), no, no, no}, false, false, false, yuan(50000), yuan(100000), yuan(65000), yuan(85000)},
	{"food-125-1-4", "第一百二十五条第一款第（四）项：货值1.5万元，5–10倍 → 7.5万–15万；一般 6.5–8.5倍 → 9.75万–12.75万", am{yuan(15000), no, no, no}, false, false, false, yuan(75000), yuan(150000), yuan(97500), yuan(127500)},
	{"food-125-2", "第一百二十五条第二款：拒不改正，二千元以下", am{no, no, no, no}, false, false, true, 0, yuan(2000), yuan(600), yuan(1400)},
	{"food-126-1-3", "第一百二十六条第一款：拒不改正，5000–5万", am{no, no, no, no}, false, false, true, yuan(5000), yuan(50000), yuan(18500), yuan(36500)},
	{"food-126-1-5", "第一百二十六条第一款第（五）项：拒不改正", am{no, no, no, no}, false, false, true, yuan(5000), yuan(50000), yuan(18500), yuan(36500)},
	{"food-126-1-6", "第一百二十六条第一款第（六）项：拒不改正", am{no, no, no, no}, false, false, true, yuan(5000), yuan(50000), yuan(18500), yuan(36500)},
	{"food-126-1-12", "第一百二十六条第一款第（十二）项：拒不改正", am{no, no, no, no}, false, false, true, yuan(5000), yuan(50000), yuan(18500), yuan(36500)},
	// both sides of the 货值金额 switch of every switched food item, at the boundary: 9,999.99 元 is
	// 不足一万元, 10,000.00 元 is 一万元以上 (以上 includes the number itself)
	{"food-122-1", "第一百二十二条第一款：货值9,999.99元，5万–10万", am{999999, no, no, no}, false, false, false, yuan(50000), yuan(100000), yuan(65000), yuan(85000)},
	{"food-123-1-1", "第一百二十三条第一款：货值9,999.99元，10万–15万", am{999999, no, no, no}, false, false, false, yuan(100000), yuan(150000), yuan(115000), yuan(135000)},
	{"food-123-1-1", "第一百二十三条第一款：货值10,000.00元，15–30倍 → 15万–30万；一般19.5–25.5倍", am{yuan(10000), no, no, no}, false, false, false, yuan(150000), yuan(300000), yuan(195000), yuan(255000)},
	{"food-123-1-3", "第一百二十三条第一款第（三）项：货值10,000.00元，15–30倍", am{yuan(10000), no, no, no}, false, false, false, yuan(150000), yuan(300000), yuan(195000), yuan(255000)},
	{"food-123-1-4", "第一百二十三条第一款第（四）项：货值9,999.99元，10万–15万", am{999999, no, no, no}, false, false, false, yuan(100000), yuan(150000), yuan(115000), yuan(135000)},
	{"food-123-1-6", "第一百二十三条第一款第（六）项：货值9,999.99元，10万–15万", am{999999, no, no, no}, false, false, false, yuan(100000), yuan(150000), yuan(115000), yuan(135000)},
	{"food-123-1-6", "第一百二十三条第一款第（六）项：货值10,000.00元，15–30倍", am{yuan(10000), no, no, no}, false, false, false, yuan(150000), yuan(300000), yuan(195000), yuan(255000)},
	{"food-124-1-1", "第一百二十四条第一款第（一）项：货值9,999.99元，5万–10万", am{999999, no, no, no}, false, false, false, yuan(50000), yuan(100000), yuan(65000), yuan(85000)},
	{"food-124-1-1", "第一百二十四条第一款第（一）项：货值10,000.00元，10–20倍", am{yuan(10000), no, no, no}, false, false, false, yuan(100000), yuan(200000), yuan(130000), yuan(170000)},
	// 第一百二十四条第一款第（二）项 (用超过保质期的食品原料、食品添加剂生产食品): the same
	// penalty clause as 第（一）项 — 不足一万元 5万–10万 (一般 30 %–70 %: 6.5万–8.5万); 一万元以上
	// 货值十倍以上二十倍以下 (10,000.00 元: 10万–20万, 一般 13–17倍: 13万–17万)
	{"food-124-1-2", "第一百二十四条第一款第（二）项：货值9,999.99元，5万–10万", am{999999, no, no, no}, false, false, false, yuan(50000), yuan(100000), yuan(65000), yuan(85000)},
	{"food-124-1-2", "第一百二十四条第一款第（二）项：货值10,000.00元，10–20倍", am{yuan(10000), no, no, no}, false, false, false, yuan(100000), yuan(200000), yuan(130000), yuan(170000)},
	{"food-124-1-3", "第一百二十四条第一款第（三）项：货值9,999.99元，5万–10万", am{999999, no, no, no}, false, false, false, yuan(50000), yuan(100000), yuan(65000), yuan(85000)},
	{"food-124-1-4", "第一百二十四条第一款第（四）项：货值9,999.99元，5万–10万", am{999999, no, no, no}, false, false, false, yuan(50000), yuan(100000), yuan(65000), yuan(85000)},
	{"food-124-1-4", "第一百二十四条第一款第（四）项：货值10,000.00元，10–20倍", am{yuan(10000), no, no, no}, false, false, false, yuan(100000), yuan(200000), yuan(130000), yuan(170000)},
	{"food-124-1-5", "第一百二十四条第一款第（五）项：货值9,999.99元，5万–10万", am{999999, no, no, no}, false, false, false, yuan(50000), yuan(100000), yuan(65000), yuan(85000)},
	{"food-124-1-5", "第一百二十四条第一款第（五）项：货值10,000.00元，10–20倍", am{yuan(10000), no, no, no}, false, false, false, yuan(100000), yuan(200000), yuan(130000), yuan(170000)},
	{"food-124-2", "第一百二十四条第二款：货值9,999.99元，5万–10万", am{999999, no, no, no}, false, false, false, yuan(50000), yuan(100000), yuan(65000), yuan(85000)},
	{"food-125-1-4", "第一百二十五条第一款第（四）项：货值9,999.99元，5000–5万", am{999999, no, no, no}, false, false, false, yuan(5000), yuan(50000), yuan(18500), yuan(36500)},
	{"food-125-1-4", "第一百二十五条第一款第（四）项：货值10,000.00元，5–10倍", am{yuan(10000), no, no, no}, false, false, false, yuan(50000), yuan(100000), yuan(65000), yuan(85000)},
	{"food-130", "第一百三十条第一款 5万–20万", am{no, no, no, no}, false, false, false, yuan(50000), yuan(200000), yuan(95000), yuan(155000)},
	{"food-131", "第一百三十一条第一款 5万–20万", am{no, no, no, no}, false, false, false, yuan(50000), yuan(200000), yuan(95000), yuan(155000)},
	{"food-132", "第一百三十二条：拒不改正 1万–5万", am{no, no, no, no}, false, false, true, yuan(10000), yuan(50000), yuan(22000), yuan(38000)},
	// 产品质量法
	{"pq-49", "第四十九条：货值1万元，等值以上三倍以下", am{yuan(10000), no, no, no}, false, false, false, yuan(10000), yuan(30000), yuan(16000), yuan(24000)},
	{"pq-50", "第五十条：货值1万元，百分之五十以上三倍以下；一般1.25–2.25倍", am{yuan(10000), no, no, no}, false, false, false, yuan(5000), yuan(30000), yuan(12500), yuan(22500)},
	{"pq-51", "第五十一条：货值1万元，等值以下", am{yuan(10000), no, no, no}, false, false, false, 0, yuan(10000), yuan(3000), yuan(7000)},
	{"pq-52", "第五十二条：货值1万元，二倍以下", am{yuan(10000), no, no, no}, false, false, false, 0, yuan(20000), yuan(6000), yuan(14000)},
	{"pq-53", "第五十三条：货值8000元，等值以下", am{yuan(8000), no, no, no}, false, false, false, 0, yuan(8000), yuan(2400), yuan(5600)},
	{"pq-54", "第五十四条：情节严重，货值1万元，百分之三十以下", am{yuan(10000), no, no, no}, false, false, true, 0, yuan(3000), yuan(900), yuan(2100)},
	{"pq-63", "第六十三条：货值5000元，等值以上三倍以下", am{yuan(5000), no, no, no}, false, false, false, yuan(5000), yuan(15000), yuan(8000), yuan(12000)},
	// 广告法
	{"ad-55-1", "第五十五条第一款：广告费用10万元，三倍以上五倍以下", am{no, no, yuan(100000), no}, false, false, false, yuan(300000), yuan(500000), yuan(360000), yuan(440000)},
	{"ad-55-1", "第五十五条第一款：广告费用无法计算，20万–100万", am{no, no, undet, no}, false, false, false, yuan(200000), yuan(1000000), yuan(440000), yuan(760000)},
	{"ad-55-1", "第五十五条第一款：严重情节，广告费用10万元，五倍以上十倍以下", am{no, no, yuan(100000), no}, false, true, false, yuan(500000), yuan(1000000), yuan(650000), yuan(850000)},
	{"ad-55-1", "第五十五条第一款：严重情节，广告费用明显偏低，100万–200万", am{no, no, undet, no}, false, true, false, yuan(1000000), yuan(2000000), yuan(1300000), yuan(1700000)},
	{"ad-55-3", "第五十五条第三款：广告费用2万元，三倍以上五倍以下", am{no, no, yuan(20000), no}, false, false, false, yuan(60000), yuan(100000), yuan(72000), yuan(88000)},
	{"ad-57-1", "第五十七条第（一）项：对广告主20万–100万", am{no, no, no, no}, false, false, false, yuan(200000), yuan(1000000), yuan(440000), yuan(760000)},
	{"ad-57-3", "第五十七条第（三）项：对广告主20万–100万", am{no, no, no, no}, false, false, false, yuan(200000), yuan(1000000), yuan(440000), yuan(760000)},
	{"ad-58-1-2", "第五十八条第一款：广告费用5万元，一倍以上三倍以下", am{no, no, yuan(50000), no}, false, false, false, yuan(50000), yuan(150000), yuan(80000), yuan(120000)},
	{"ad-58-1-2", "第五十八条第一款：广告费用无法计算，10万–20万", am{no, no, undet, no}, false, false, false, yuan(100000), yuan(200000), yuan(130000), yuan(170000)},
	{"ad-58-1-3", "第五十八条第一款：情节严重，广告费用5万元，三倍以上五倍以下", am{no, no, yuan(50000), no}, false, true, false, yuan(150000), yuan(250000), yuan(180000), yuan(220000)},
	{"ad-58-1-6", "第五十八条第一款第（六）项：广告费用1万元", am{no, no, yuan(10000), no}, false, false, false, yuan(10000), yuan(30000), yuan(16000), yuan(24000)},
	{"ad-58-1-8", "第五十八条第一款：情节严重且广告费用无法计算，20万–100万", am{no, no, undet, no}, false, true, false, yuan(200000), yuan(1000000), yuan(440000), yuan(760000)},
	{"ad-58-1-14", "第五十八条第一款第（十四）项：广告费用3万元", am{no, no, yuan(30000), no}, false, false, false, yuan(30000), yuan(90000), yuan(48000), yuan(72000)},
	{"ad-59-1-1", "第五十九条第一款：十万元以下", am{no, no, no, no}, false, false, false, 0, yuan(100000), yuan(30000), yuan(70000)},
	{"ad-59-1-4", "第五十九条第一款第（四）项：十万元以下", am{no, no, no, no}, false, false, false, 0, yuan(100000), yuan(30000), yuan(70000)},
	{"ad-62-2", "第六十二条第二款：五千元以上三万元以下", am{no, no, no, no}, false, false, false, yuan(5000), yuan(30000), yuan(12500), yuan(22500)},
	{"ad-63", "第六十三条：违法所得五万元以上（恰为5万元），一倍以上三倍以下", am{no, yuan(50000), no, no}, false, false, false, yuan(50000), yuan(150000), yuan(80000), yuan(120000)},
	{"ad-63", "第六十三条：违法所得不足五万元（49,999.99元），1万–5万", am{no, 4999999, no, no}, false, false, false, yuan(10000), yuan(50000), yuan(22000), yuan(38000)},
	// 反不正当竞争法（2025年6月27日修订，2025年10月15日施行；act 2026-03-01). The 2019 text is
	// worked by hand in TestUnfairCompetition2019Text, the move between the two in
	// TestUnfairCompetition2025OldOrLighter.
	{"uc-18", "第二十三条第一款：违法经营额五万元以上（恰为5万元），五倍以下", am{no, no, no, yuan(50000)}, false, false, false, 0, yuan(250000), yuan(75000), yuan(175000)},
	{"uc-18", "第二十三条第一款：违法经营额不足五万元（49,999.99元），二十五万元以下", am{no, no, no, 4999999}, false, false, false, 0, yuan(250000), yuan(75000), yuan(175000)},
	{"uc-18", "第二十三条第一款：没有违法经营额，二十五万元以下", am{no, no, no, 0}, false, false, false, 0, yuan(250000), yuan(75000), yuan(175000)},
	{"uc-18", "第二十三条第一款：违法经营额10万元，五倍以下 → 0–50万", am{no, no, no, yuan(100000)}, false, false, false, 0, yuan(500000), yuan(150000), yuan(350000)},
	{"uc-19", "第二十四条第一款：有关单位贿赂他人，十万元以上一百万元以下", am{no, no, no, no}, false, false, false, yuan(100000), yuan(1000000), yuan(370000), yuan(730000)},
	{"uc-19", "第二十四条第一款：情节严重，一百万元以上五百万元以下", am{no, no, no, no}, false, true, false, yuan(1000000), yuan(5000000), yuan(2200000), yuan(3800000)},
	{"uc25-24-1", "第二十四条第一款：有关单位收受贿赂，十万元以上一百万元以下", am{no, no, no, no}, false, false, false, yuan(100000), yuan(1000000), yuan(370000), yuan(730000)},
	{"uc25-24-1", "第二十四条第一款：有关单位收受贿赂，情节严重，一百万元以上五百万元以下", am{no, no, no, no}, false, true, false, yuan(1000000), yuan(5000000), yuan(2200000), yuan(3800000)},
	{"uc25-24-2", "第二十四条第二款：个人，一百万元以下", am{no, no, no, no}, true, false, false, 0, yuan(1000000), yuan(300000), yuan(700000)},
	{"uc-20", "第二十五条第一款：一百万元以下（不再有二十万元的下限）", am{no, no, no, no}, false, false, false, 0, yuan(1000000), yuan(300000), yuan(700000)},
	{"uc-20", "第二十五条第一款：情节严重，一百万元以上二百万元以下", am{no, no, no, no}, false, true, false, yuan(1000000), yuan(2000000), yuan(1300000), yuan(1700000)},
	{"uc-21", "第二十六条：侵犯商业秘密，十万元以上一百万元以下", am{no, no, no, no}, false, false, false, yuan(100000), yuan(1000000), yuan(370000), yuan(730000)},
	{"uc-21", "第二十六条：情节严重，一百万元以上五百万元以下", am{no, no, no, no}, false, true, false, yuan(1000000), yuan(5000000), yuan(2200000), yuan(3800000)},
	{"uc-22", "第二十七条：五万元以上五十万元以下", am{no, no, no, no}, false, false, false, yuan(50000), yuan(500000), yuan(185000), yuan(365000)},
	{"uc-23", "第二十八条：十万元以上一百万元以下", am{no, no, no, no}, false, false, false, yuan(100000), yuan(1000000), yuan(370000), yuan(730000)},
	{"uc-23", "第二十八条：情节严重，一百万元以上五百万元以下", am{no, no, no, no}, false, true, false, yuan(1000000), yuan(5000000), yuan(2200000), yuan(3800000)},
	{"uc-24", "第二十九条（第十三条第二款）：十万元以上一百万元以下", am{no, no, no, no}, false, false, false, yuan(100000), yuan(1000000), yuan(370000), yuan(730000)},
	{"uc-24", "第二十九条（第十三条第二款）：情节严重，一百万元以上五百万元以下", am{no, no, no, no}, false, true, false, yuan(1000000), yuan(5000000), yuan(2200000), yuan(3800000)},
	{"uc25-29-3", "第二十九条（第十三条第三款，数据）：十万元以上一百万元以下", am{no, no, no, no}, false, false, false, yuan(100000), yuan(1000000), yuan(370000), yuan(730000)},
	{"uc25-29-4", "第二十九条（第十三条第四款，滥用平台规则）：情节严重，一百万元以上五百万元以下", am{no, no, no, no}, false, true, false, yuan(1000000), yuan(5000000), yuan(2200000), yuan(3800000)},
	{"uc25-30", "第三十条：五万元以上五十万元以下", am{no, no, no, no}, false, false, false, yuan(50000), yuan(500000), yuan(185000), yuan(365000)},
	{"uc25-30", "第三十条：情节严重，五十万元以上二百万元以下", am{no, no, no, no}, false, true, false, yuan(500000), yuan(2000000), yuan(950000), yuan(1550000)},
	// 价格
	{"price-13", "价格违法行为行政处罚规定第十三条：可以并处5000元以下", am{no, no, no, no}, false, false, false, 0, yuan(5000), yuan(1500), yuan(3500)},
	{"price-7", "第七条：违法所得1万元，5倍以下", am{no, yuan(10000), no, no}, false, false, false, 0, yuan(50000), yuan(15000), yuan(35000)},
	{"price-7", "第七条：没有违法所得（单位），5万–50万", am{no, 0, no, no}, false, false, false, yuan(50000), yuan(500000), yuan(185000), yuan(365000)},
	{"price-7", "第十八条、第十一条：违法所得无法确定按没有违法所得，个人10万元以下", am{no, undet, no, no}, true, false, false, 0, yuan(100000), yuan(30000), yuan(70000)},
	{"price-6", "第六条：没有违法所得，情节较重（单位），50万–300万", am{no, 0, no, no}, false, true, false, yuan(500000), yuan(3000000), yuan(1250000), yuan(2250000)},
	{"price-6", "第十一条第二款：个人，没有违法所得，情节严重，10万–50万", am{no, 0, no, no}, true, true, false, yuan(100000), yuan(500000), yuan(220000), yuan(380000)},
	{"price-9", "第九条：违法所得2万元，5倍以下", am{no, yuan(20000), no, no}, false, false, false, 0, yuan(100000), yuan(30000), yuan(70000)},
	{"price-9", "第九条：没有违法所得，情节较重（单位），50万–200万", am{no, 0, no, no}, false, true, false, yuan(500000), yuan(2000000), yuan(950000), yuan(1550000)},
	{"price-8", "第八条：没有违法所得（单位），2万–20万", am{no, 0, no, no}, false, false, false, yuan(20000), yuan(200000), yuan(74000), yuan(146000)},
	// 计量法实施细则
	{"meas-43", "第四十三条：可并处1000元以下", am{no, no, no, no}, false, false, false, 0, yuan(1000), yuan(300), yuan(700)},
	{"meas-46", "第四十六条：可并处2000元以下", am{no, no, no, no}, false, false, false, 0, yuan(2000), yuan(600), yuan(1400)},
	{"meas-48", "第四十八条：可并处2000元以下", am{no, yuan(300), no, no}, false, false, false, 0, yuan(2000), yuan(600), yuan(1400)},
	{"meas-44", "第四十四条：可并处3000元以下", am{no, no, no, no}, false, false, false, 0, yuan(3000), yuan(900), yuan(2100)},
	// 消费者权益保护法
	{"cp-56-8", "第五十六条：违法所得1万元，一倍以上十倍以下", am{no, yuan(10000), no, no}, false, false, false, yuan(10000), yuan(100000), yuan(37000), yuan(73000)},
	{"cp-56-8", "第五十六条：没有违法所得，五十万元以下", am{no, 0, no, no}, false, false, false, 0, yuan(500000), yuan(150000), yuan(350000)},
	{"cp-56-9", "第五十六条第一款第（九）项：没有违法所得", am{no, 0, no, no}, false, false, false, 0, yuan(500000), yuan(150000), yuan(350000)},
	{"cp-56-6", "第五十六条第一款第（六）项：违法所得2万元", am{no, yuan(20000), no, no}, false, false, false, yuan(20000), yuan(200000), yuan(74000), yuan(146000)},
	// 电子商务法
	{"ec-76-1-1", "第七十六条：可以处一万元以下", am{no, no, no, no}, false, false, false, 0, yuan(10000), yuan(3000), yuan(7000)},
	{"ec-77", "第七十七条：可以并处5万–20万", am{no, no, no, no}, false, false, false, yuan(50000), yuan(200000), yuan(95000), yuan(155000)},
	{"ec-77", "第七十七条：情节严重，并处20万–50万", am{no, no, no, no}, false, true, false, yuan(200000), yuan(500000), yuan(290000), yuan(410000)},
	{"ec-81-1-4", "第八十一条：可以处2万–10万", am{no, no, no, no}, false, false, false, yuan(20000), yuan(100000), yuan(44000), yuan(76000)},
	{"ec-81-1-4", "第八十一条：情节严重，10万–50万", am{no, no, no, no}, false, true, false, yuan(100000), yuan(500000), yuan(220000), yuan(380000)},
	{"ec-82", "第八十二条：可以处5万–50万", am{no, no, no, no}, false, false, false, yuan(50000), yuan(500000), yuan(185000), yuan(365000)},
	{"ec-83", "第八十三条：情节严重，并处50万–200万", am{no, no, no, no}, false, true, false, yuan(500000), yuan(2000000), yuan(950000), yuan(1550000)},
	// 特种设备安全法
	{"se-84-1", "第八十四条第（一）项：3万–30万", am{no, no, no, no}, false, false, false, yuan(30000), yuan(300000), yuan(111000), yuan(219000)},
	{"se-84-2", "第八十四条第（二）项：3万–30万", am{no, no, no, no}, false, false, false, yuan(30000), yuan(300000), yuan(111000), yuan(219000)},
	{"se-82-1", "第八十二条第一款：3万–30万", am{no, no, no, no}, false, false, false, yuan(30000), yuan(300000), yuan(111000), yuan(219000)},
	{"se-86", "第八十六条：逾期未改正，1万–5万", am{no, no, no, no}, false, false, true, yuan(10000), yuan(50000), yuan(22000), yuan(38000)},
	{"se-74", "第七十四条：10万–50万", am{no, no, no, no}, false, false, false, yuan(100000), yuan(500000), yuan(220000), yuan(380000)},
}

func TestItemCases(t *testing.T) {
	for _, c := range itemCases {
		t.Run(c.id+"/"+c.article, func(t *testing.T) {
			in := base(c.id)
			c.a.apply(&in)
			if c.natural {
				in.Party = Natural
			}
			in.Serious, in.PrerequisiteMet = c.serious, c.prereq
			r := mustCompute(t, in)
			if r.Tier != TierGeneral {
				t.Fatalf("tier = %s, want 一般", r.Tier)
			}
			if r.LegalMin != c.min || r.LegalMax != c.max {
				t.Errorf("legal range = %s–%s, want %s–%s", Yuan(r.LegalMin), Yuan(r.LegalMax), Yuan(c.min), Yuan(c.max))
			}
			if r.BandMin != c.bandMin || r.BandMax != c.bandMax {
				t.Errorf("一般 band = %s–%s, want %s–%s", Yuan(r.BandMin), Yuan(r.BandMax), Yuan(c.bandMin), Yuan(c.bandMax))
			}
			if r.FineFen < r.BandMin || r.FineFen > r.BandMax {
				t.Errorf("fine %s outside band", Yuan(r.FineFen))
			}
			// the edges of 从轻 (the lowest 30 %) and 从重 (the top 30 %) are the legal range's ends
			// and the 一般 band's edges worked out above; a fine is never zero, so where the law sets
			// no minimum 从轻 starts at one 元 (the rounding unit)
			lenientMin := c.min
			if c.min == 0 {
				lenientMin = yuan(1)
			}
			for _, tc := range []struct {
				circ   string
				tier   Tier
				lo, hi int64
			}{{"eliminate_harm", TierLenient, lenientMin, c.bandMin}, {"obstruct", TierSevere, c.bandMax, c.max}} {
				in.Circumstances = []string{tc.circ}
				r := mustCompute(t, in)
				if r.Tier != tc.tier || r.BandMin != tc.lo || r.BandMax != tc.hi {
					t.Errorf("%s: %s band %s–%s, want %s–%s", tc.circ, r.Tier, Yuan(r.BandMin), Yuan(r.BandMax), Yuan(tc.lo), Yuan(tc.hi))
				}
				if r.FineFen < r.BandMin || r.FineFen > r.BandMax {
					t.Errorf("%s: fine %s outside band", tc.tier, Yuan(r.FineFen))
				}
			}
		})
	}
}

// TestEverySwitchHasBothSides: for every switch on a base amount in the catalogue, the
// hand-worked cases above include the amount one 分 below the threshold and the threshold
// itself, and the engine gives each the legal range of the branch the clause's wording
// says (不足/超过 exclude the number, 以上/以下 include it).
func TestEverySwitchHasBothSides(t *testing.T) {
	cat, _, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]map[int64]bool{} // item → base amounts worked by hand
	for _, c := range itemCases {
		if have[c.id] == nil {
			have[c.id] = map[int64]bool{}
		}
		for _, v := range []int64{c.a.goods, c.a.gains, c.a.adfee, c.a.turnover} {
			if v >= 0 {
				have[c.id][v] = true
			}
		}
	}
	switches := 0
	for _, it := range cat.Items {
		for _, v := range it.Versions {
			rules := []*FineRule{v.Fine}
			if v.Serious != nil {
				rules = append(rules, v.Serious.Fine)
			}
			for ri, fr := range rules {
				if fr == nil {
					continue
				}
				for _, b := range fr.Branches {
					if b.Op == "" {
						continue
					}
					switches++
					in := base(it.ID)
					in.Serious = ri == 1
					if b.Party == "natural" {
						in.Party = Natural
					}
					in.ActDate, in.DiscoveryDate, in.Today = d(v.Effective).AddDate(0, 1, 0), d(v.Effective).AddDate(0, 2, 0), d(v.Effective).AddDate(0, 3, 0)
					for _, amt := range []int64{b.Threshold - 1, b.Threshold} {
						if !have[it.ID][amt] {
							t.Errorf("%s (%s): no hand-worked case with %s %s", it.ID, b.Text, BaseName(fr.Base), Yuan(amt))
						}
						*map[string]*Amount{BaseGoodsValue: &in.Amounts.GoodsValue, BaseIllegalGains: &in.Amounts.IllegalGains,
							BaseAdFee: &in.Amounts.AdFee, BaseIllegalTurnover: &in.Amounts.IllegalTurnover}[fr.Base] = Known(amt)
						// the clause's words: 不足/超过 exclude the number, 以上/以下 include it
						want := map[string]bool{"lt": amt < b.Threshold, "gt": amt > b.Threshold, "gte": amt >= b.Threshold, "lte": amt <= b.Threshold}[b.Op]
						r, err := engine(t).Compute(in)
						if err != nil {
							t.Errorf("%s at %s: %v", it.ID, Yuan(amt), err)
							continue
						}
						if !want {
							continue
						}
						lo, hi := b.Min, b.Max
						if b.Multiple {
							lo, hi = amt*b.MinX/1000, amt*b.MaxX/1000
						}
						if r.LegalMin != lo || r.LegalMax != hi {
							t.Errorf("%s (version %s) at %s: legal range %s–%s, want 「%s」: %s–%s", it.ID, v.Effective, Yuan(amt), Yuan(r.LegalMin), Yuan(r.LegalMax), b.Text, Yuan(lo), Yuan(hi))
						}
					}
				}
			}
		}
	}
	if switches < 20 {
		t.Fatalf("only %d switch branches found in the catalogue", switches)
	}
}

// Every catalogue item has at least one hand-worked case.
func TestEveryItemHasACase(t *testing.T) {
	cat, _, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, c := range itemCases {
		have[c.id] = true
	}
	for _, it := range cat.Items {
		if !have[it.ID] {
			t.Errorf("item %s has no hand-worked case", it.ID)
		}
	}
	if len(cat.Items) < 30 {
		t.Errorf("catalogue has %d items, want at least 30", len(cat.Items))
	}
}

func TestCatalogueSources(t *testing.T) {
	cat, _, _ := Default()
	laws := map[string]bool{}
	for _, it := range cat.Items {
		if it.Source == "" {
			t.Errorf("%s: no source", it.ID)
		}
		for _, v := range it.Versions {
			laws[v.Penalty.Law] = true
			if v.Penalty.Text == "" || v.Penalty.Article == "" {
				t.Errorf("%s: penalty provision without text", it.ID)
			}
		}
	}
	for _, l := range []string{"中华人民共和国食品安全法", "中华人民共和国产品质量法", "中华人民共和国广告法", "中华人民共和国反不正当竞争法", "价格违法行为行政处罚规定", "中华人民共和国计量法实施细则", "中华人民共和国消费者权益保护法", "中华人民共和国电子商务法", "中华人民共和国特种设备安全法"} {
		if !laws[l] {
			t.Errorf("no item rests on %s", l)
		}
	}
}
