-- Issues an email verification code if neither the account nor the client IP is over its
-- limits: one code per interval and at most `daily` codes per window (rolling).
-- KEYS: 1 the account's sent-log (zset of send times), 2 the IP's sent-log, 3 the account's code.
-- ARGV: 1 code hash, 2 code lifetime ms, 3 interval ms, 4 window ms, 5 daily limit, 6 unique member.
-- Returns {1} when issued, {0, ms to wait} otherwise (nothing changed).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval, window, daily = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])

local wait = 0
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local newest = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')
  if newest[2] and now - tonumber(newest[2]) < interval then
    wait = math.max(wait, interval - (now - tonumber(newest[2])))
  end
  if redis.call('ZCARD', KEYS[i]) >= daily then
    local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + window - now)
  end
end
if wait > 0 then return { 0, wait } end

for i = 1, 2 do
  redis.call('ZADD', KEYS[i], now, ARGV[6])
  redis.call('PEXPIRE', KEYS[i], window)
end
redis.call('DEL', KEYS[3])
redis.call('HSET', KEYS[3], 'hash', ARGV[1], 'wrong', 0)
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return { 1 }
