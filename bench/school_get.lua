-- wrk: GET /v1/schools/{urn} for a random URN of the benchmark's set.
local first = tonumber(os.getenv("URN_FIRST"))
local count = tonumber(os.getenv("URN_COUNT"))
local auth = "Bearer " .. os.getenv("TOKEN")

request = function()
  local urn = first + math.random(0, count - 1)
  return wrk.format("GET", "/v1/schools/" .. urn, {["Authorization"] = auth})
end
