-- 信用月通报的完整率：拒收的行政管理信息行也是报送，它填了几项必填字段（filled）、该类别共几项（required）
-- 与入库记录一样计入完整率；此前拒收行不计，入库记录都已通过校验，完整率因而总是 100%。
ALTER TABLE credit_rejects ADD COLUMN filled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE credit_rejects ADD COLUMN required INTEGER NOT NULL DEFAULT 0;
