-- wrk: GET /v1/schools?limit=100 (the first page, as a client would start).
local auth = "Bearer " .. os.getenv("TOKEN")

request = function()
  return wrk.format("GET", "/v1/schools?limit=100", {["Authorization"] = auth})
end
