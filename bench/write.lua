-- wrk: the money's three writes, each allocation through them in turn:
-- POST /v1/fund-allocations for a pair of fund and group (from PAIRS, this
-- thread's share of them) as the officer (TOKEN), then
-- POST /v1/fund-allocations/{id}/approve of it (which makes its payment),
-- then POST /v1/payments/{payment_id}/paid as finance (PAY_TOKEN).
local auth = "Bearer " .. os.getenv("TOKEN")
local pay_auth = "Bearer " .. os.getenv("PAY_TOKEN")
local threads = tonumber(os.getenv("THREADS") or "2")
local started = 0

setup = function(thread)
  thread:set("tid", started)
  started = started + 1
end

init = function(args)
  rows = {}
  for line in io.lines(os.getenv("PAIRS")) do
    local f, g, u = line:match("^(%d+)\t(%d+)\t(%d+)$")
    if f then rows[#rows + 1] = {f, g, u} end
  end
  next_row = tid + 1
  made, due = {}, {}
end

request = function()
  if #due > 0 then
    local id = table.remove(due)
    return wrk.format("POST", "/v1/payments/" .. id .. "/paid",
                      {["Authorization"] = pay_auth, ["Content-Type"] = "application/json"},
                      '{"remittance_reference": "BACS-' .. id .. '", "paid_on": "2020-10-01"}')
  end
  if #made > 0 then
    local id = table.remove(made)
    return wrk.format("POST", "/v1/fund-allocations/" .. id .. "/approve",
                      {["Authorization"] = auth, ["If-Match"] = '"1"'})
  end
  local r = rows[next_row]
  next_row = next_row + threads
  local body = string.format('{"fund_id": %s, "group_id": %s, "amount_pence": 100, "payee_urn": %s}',
                             r[1], r[2], r[3])
  return wrk.format("POST", "/v1/fund-allocations",
                    {["Authorization"] = auth, ["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  if status == 201 then
    local id = body:match('"id"%s*:%s*(%d+)')
    if id then made[#made + 1] = id end
  elseif status == 200 then
    local payment = body:match('"payment_id"%s*:%s*(%d+)')
    if payment and body:match('"status"%s*:%s*"approved"') then due[#due + 1] = payment end
  end
end
