-- wrk script for the selection route, with the tokens the harness writes:
--   java -cp target/xuanke.jar edu.xuanke.bench.Bench --hold true          (prints the URL and the section ids)
--   wrk -t2 -c256 -d30s -s bin/wrk-select.lua http://localhost:PORT -- target/bench-tokens.txt FIRST LAST
-- Each request selects a random section in [FIRST, LAST] as a random student.
local tokens = {}
local first, last

function init(args)
  for line in io.lines(args[1] or "target/bench-tokens.txt") do tokens[#tokens + 1] = line end
  first = tonumber(args[2] or "1")
  last = tonumber(args[3] or tostring(first))
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  local token = tokens[math.random(#tokens)]
  local body = '{"sectionId":' .. math.random(first, last) .. '}'
  return wrk.format("POST", "/api/selections",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
