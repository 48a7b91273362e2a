#!/usr/bin/env bash
# Smoke tests (seed plan 4.7) against a running deployment: health, restaurants, a menu, a GraphQL
# query and, unless SMOKE_ORDER=0, a full order paid by card and followed until it is settled on
# chain. Exits non-zero on the first failure, saying which step failed and what the server answered.
#
#   scripts/smoke-tests.sh https://hotpot-staging.herokuapp.com
#
# Needs bash, curl and node (always there where this project runs; jq is not guaranteed on a dyno).
# The card step pays with Stripe's test payment method pm_card_visa, which only a test-mode
# processor accepts (staging, review apps, the local card processor): production runs with
# SMOKE_ORDER=0 so no real card is charged. It also needs an active restaurant with an available
# menu item, as staging has after `npm run seed`.
#
# Settings (env): SMOKE_ORDER (1), SMOKE_SETTLE_TIMEOUT seconds (120), SMOKE_REQUEST_TIMEOUT (30).
set -euo pipefail

if [[ $# -ne 1 || -z $1 ]]; then
  echo "usage: $0 BASE_URL   (e.g. https://hotpot-staging.herokuapp.com)" >&2
  exit 2
fi
BASE=${1%/}
ORDER=${SMOKE_ORDER:-1}
SETTLE_TIMEOUT=${SMOKE_SETTLE_TIMEOUT:-120}
REQUEST_TIMEOUT=${SMOKE_REQUEST_TIMEOUT:-30}

body_file=$(mktemp)
trap 'rm -f "$body_file"' EXIT

STEP=""
STATUS=""
RESPONSE=""

step() {
  STEP=$1
  echo "smoke: $STEP"
}

fail() {
  echo "smoke: FAILED at \"$STEP\": $*" >&2
  exit 1
}

# request METHOD PATH [JSON_BODY] [BEARER_TOKEN]: sets STATUS and RESPONSE.
request() {
  local method=$1 path=$2 body=${3:-} token=${4:-}
  local args=(-sS -X "$method" --max-time "$REQUEST_TIMEOUT" -o "$body_file" -w '%{http_code}' -H 'accept: application/json')
  if [[ -n $body ]]; then args+=(-H 'content-type: application/json' --data "$body"); fi
  if [[ -n $token ]]; then args+=(-H "authorization: Bearer $token"); fi
  if [[ $method == POST && $path == */pay ]]; then args+=(-H "idempotency-key: smoke-$RANDOM$RANDOM-$(date +%s)"); fi
  local code=0
  STATUS=$(curl "${args[@]}" "$BASE$path") || code=$?
  if [[ $code -ne 0 ]]; then fail "$method $BASE$path: no answer (curl exit $code)"; fi
  RESPONSE=$(cat "$body_file")
}

# expect_status CODE: the last answer had that HTTP status.
expect_status() {
  if [[ $STATUS != "$1" ]]; then fail "expected HTTP $1, got $STATUS: ${RESPONSE:0:600}"; fi
}

# js EXPRESSION: evaluates the JavaScript expression with `it` bound to the last answer's JSON and
# prints the result (strings bare, anything else as JSON); fails the step when the answer is not
# JSON or the result is undefined, null, false or an empty string.
js() {
  local out code=0
  out=$(printf '%s' "$RESPONSE" | node -e '
    let text = "";
    process.stdin.on("data", (chunk) => (text += chunk));
    process.stdin.on("end", () => {
      let it;
      try { it = JSON.parse(text); } catch { console.error("the answer is not JSON"); process.exit(3); }
      const value = new Function("it", `return (${process.argv[1]});`)(it);
      if (value === undefined || value === null || value === false || value === "") process.exit(4);
      console.log(typeof value === "string" ? value : JSON.stringify(value));
    });' "$1") || code=$?
  if [[ $code -ne 0 ]]; then fail "expected $1 in: ${RESPONSE:0:600}"; fi
  printf '%s' "$out"
}

step "GET /health: the database and the chain answer"
request GET /health
expect_status 200
js 'it.parts.db.ok === true && it.parts.chain.ok === true && ["ok", "degraded"].includes(it.status)' >/dev/null

step "GET /api/v1/restaurants: an active restaurant"
request GET '/api/v1/restaurants?limit=100'
expect_status 200
active=$(js 'it.restaurants.filter((r) => r.status === "active").map((r) => r.id).join(" ")')

step "GET /api/v1/menu: an available item at an active restaurant"
request GET '/api/v1/menu?limit=100'
expect_status 200
item=$(js "it.items.find((i) => i.available !== false && \"$active\".split(\" \").includes(i.restaurant_id))")
item_id=$(RESPONSE=$item js 'it.id')
restaurant_id=$(RESPONSE=$item js 'it.restaurant_id')
price=$(RESPONSE=$item js 'String(it.price_tetri)')

step "GET /api/v1/restaurants/$restaurant_id/menu: that restaurant's menu"
request GET "/api/v1/restaurants/$restaurant_id/menu"
expect_status 200
js "it.items.some((i) => i.id === \"$item_id\")" >/dev/null

step "POST /graphql: the chain mirror answers"
request POST /graphql '{"query":"{ _meta { blockNumber blockHash } orders(first: 1) { totalCount } }"}'
expect_status 200
js '!it.errors && Number.isInteger(it.data._meta.blockNumber) && Number.isInteger(it.data.orders.totalCount)' >/dev/null

if [[ $ORDER == 0 ]]; then
  echo "smoke: SMOKE_ORDER=0: no order placed"
  echo "smoke: all checks passed against $BASE"
  exit 0
fi

step "POST /api/v1/auth/custodial: a customer signs in without a wallet"
request POST /api/v1/auth/custodial
expect_status 201
token=$(js 'it.token')
customer_id=$(js 'it.user.id')

step "POST /api/v1/orders: the customer orders two of $item_id"
request POST /api/v1/orders "{\"restaurant_id\":\"$restaurant_id\",\"items\":[{\"id\":\"$item_id\",\"quantity\":2}],\"customer_id\":\"$customer_id\"}" "$token"
expect_status 201
js "it.status === \"placed\" && it.total_tetri === 2 * $price" >/dev/null
order_id=$(js 'it.id')

step "POST /api/v1/orders/$order_id/pay: by card (pm_card_visa)"
request POST "/api/v1/orders/$order_id/pay" '{"method":"card","payment_method":"pm_card_visa"}' "$token"
expect_status 200
js "it.method === \"card\" && it.status === \"succeeded\" && it.amount_tetri === 2 * $price" >/dev/null

step "GET /api/v1/orders/$order_id: paid, then settled on chain (up to ${SETTLE_TIMEOUT}s)"
deadline=$((SECONDS + SETTLE_TIMEOUT))
while :; do
  request GET "/api/v1/orders/$order_id" "" "$token"
  expect_status 200
  status=$(js 'it.status')
  if [[ $status == settled ]]; then break; fi
  if [[ $status != placed && $status != paid ]]; then fail "the order became $status: ${RESPONSE:0:600}"; fi
  if ((SECONDS >= deadline)); then fail "still $status after ${SETTLE_TIMEOUT}s: ${RESPONSE:0:600}"; fi
  sleep 0.5
done
js 'it.payment_method === "card" && typeof it.paid_at === "string" && typeof it.settled_at === "string" && it.chain.status === "settled" && /^0x[0-9a-f]{64}$/.test(it.chain.tx_hash)' >/dev/null
echo "smoke: order $order_id settled in $(js 'it.chain.tx_hash')"

echo "smoke: all checks passed against $BASE"
