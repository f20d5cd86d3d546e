-- 信用：每行数据来自导入文件的第几行（batch_line，与 batch_id 一起）。同一文件中同一主体（或同一决定书文号）
-- 出现两次时以后一行为准；重新导入同一文件时，前面的一行不再覆盖后面一行已保存的内容，
-- 所以“同一文件导入两次不改变任何数据”（updated_at 也不变）对相隔很远的重复行同样成立。
ALTER TABLE credit_subjects ADD COLUMN batch_line INTEGER NOT NULL DEFAULT 0;
ALTER TABLE credit_records ADD COLUMN batch_line INTEGER NOT NULL DEFAULT 0;
ALTER TABLE credit_blacklist ADD COLUMN batch_line INTEGER NOT NULL DEFAULT 0;
