-- Moves mails whose retry time has come from the retry set back into the outbox stream.
-- KEYS: 1 retry zset (score: when to retry, member: the mail as JSON), 2 outbox stream.
-- ARGV: 1 most mails to move. Returns how many were moved.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, member in ipairs(due) do
  local mail = cjson.decode(member)
  redis.call('XADD', KEYS[2], '*', 'kind', mail.kind, 'to', mail.to, 'lang', mail.lang,
    'params', mail.params, 'attempts', tostring(mail.attempts), 'id', mail.id)
  redis.call('ZREM', KEYS[1], member)
end
return #due
