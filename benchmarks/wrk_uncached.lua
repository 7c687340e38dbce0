-- wrk script of benchmarks/catalogue.py: every request asks for the page with a query parameter
-- of its own (ignored by the page), so that no cache answers it: what a page costs Django.
dofile("benchmarks/wrk_report.lua")

local counter = 0
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)

request = function()
  counter = counter + 1
  local sep = wrk.path:find("?", 1, true) and "&" or "?"
  return wrk.format("GET", wrk.path .. sep .. "_v=" .. counter .. "-" .. math.random(1000000000))
end
