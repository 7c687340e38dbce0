-- wrk script of benchmarks/http.py's FHIR page (benchmarks/_fhir_http.py): every request POSTs
-- the measures Bundle of the file WRK_FHIR_BODY with the access token WRK_FHIR_TOKEN, then the
-- same report as the other pages (wrk_report.lua, next to this file: its `done`).
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(here .. "wrk_report.lua")

local file = assert(io.open(assert(os.getenv("WRK_FHIR_BODY"), "WRK_FHIR_BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/fhir+json"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("WRK_FHIR_TOKEN"), "WRK_FHIR_TOKEN")
