-- wrk script: each connection sends one request, then waits the given milliseconds (the first argument
-- after `--`), so -c10 with 50 ms paces the run near 200 requests per second. With a second argument
-- `chat` and a token (the third), the request is POST /api/chat with a task message.
local pause = 50

function init(args)
    pause = tonumber(args[1]) or pause
    if args[2] == "chat" then
        wrk.method = "POST"
        wrk.body = '{"message": "Add a health endpoint that answers 200 within 50 ms"}'
        wrk.headers["Content-Type"] = "application/json"
        wrk.headers["Authorization"] = "Bearer " .. (args[3] or "")
    end
end

function delay()
    return pause
end
