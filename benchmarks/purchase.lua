-- wrk script: Tranzzo direct purchases, each with an order_id no other request uses.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("prefix", "w" .. #threads .. "-" .. tostring(os.time()))
  table.insert(threads, thread)
end


local body_format = '{"pos_id":"7f0a3c1e-5b2d-4e8f-9a6b-0c1d2e3f4a5b","mode":"direct",' ..
  '"method":"purchase","amount":100.5,"currency":"UAH","description":"Benchmark order",' ..
  '"order_id":"%s-%d","order_3ds_bypass":"supported","cc_number":"4242424242424242",' ..
  '"exp_month":12,"exp_year":30,"card_cvv":"123"}'

local headers = {
  ["Content-Type"] = "application/json",
  ["X-API-AUTH"] = "CPAY 3b9e2a71-6c4d-4f80-b5e1-9d2c7a8f6e10:psp-sandbox-tranzzo-test-secret1",
  ["X-API-KEY"] = "AIzaSyPspSandboxTranzzoEndpointsKey0001",
}

function request()
  counter = counter + 1
  return wrk.format("POST", "/tranzzo/api/v1/payment", headers, string.format(body_format, prefix, counter))
end

function done(summary, latency, requests)
  io.write(string.format("JSON {\"requests\": %d, \"errors\": %d, \"non2xx\": %d, \"p50_us\": %d, \"p99_us\": %d, \"duration_us\": %d}\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(99), summary.duration))
end
