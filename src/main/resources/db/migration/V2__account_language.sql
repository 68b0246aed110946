-- The language of the account's last login, used for the mails it is sent.
ALTER TABLE accounts ADD COLUMN lang VARCHAR(8) NOT NULL DEFAULT 'zh-CN' AFTER phone;
