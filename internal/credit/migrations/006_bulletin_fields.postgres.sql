-- 信用月通报的完整率和部门（PostgreSQL）。
-- filled/required：拒收的行政管理信息行也是报送，它填了几项双公示必填字段、该类别共几项，与入库记录一样
-- 计入完整率（入库记录都已通过校验，只算它们时完整率总是 100%）。
-- source_unit_id：数据来源单位的统一社会信用代码。月通报按它区分部门（同一部门写法不同的名称算作一个部门），
-- 没有代码的拒收行才按名称区分。已有记录从 body_json 补齐。
ALTER TABLE credit_rejects ADD COLUMN filled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE credit_rejects ADD COLUMN required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE credit_rejects ADD COLUMN source_unit_id TEXT NOT NULL DEFAULT '';
ALTER TABLE credit_records ADD COLUMN source_unit_id TEXT NOT NULL DEFAULT '';
UPDATE credit_records SET source_unit_id = COALESCE(body_json::json->>'source_unit_id', '');
