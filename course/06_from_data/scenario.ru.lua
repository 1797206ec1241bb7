-- Fitted by `cjmsim fit` from events.ru.csv: 1000 customers, 3991 events, days 0 to 120 (--days).
-- Made with: cjmsim fit events.ru.csv --purchase 'заказ' --days 120 --out scenario.ru.lua
--
-- Each daily probability of moving from stage A to stage B is k / n: k moves
-- from A to B in n customer-days at risk in A (a customer who entered A on
-- day t and left on day u was at risk u - t days; one still in A when the log
-- ends counts until its end: censored). Estimated per persona.
-- Each is a parameter for `cjmsim psa`: dist = beta(k + 0.5, n - k + 0.5), the
-- Jeffreys posterior; low and high, and the 95% interval in each comment, are
-- its 2.5% and 97.5% quantiles (0 when k = 0, 1 when k = n).
--
-- A stage where the time spent before leaving is clearly not geometric (a
-- likelihood-ratio test of one constant daily probability against one per day
-- in the stage, p < 0.001) gets probabilities by c.days_in_stage instead: the
-- moves of each day in the stage over the customers still there, up to a
-- cap, then one constant. A stage nobody left that was observed for 368
-- customer-days or more is terminal (its daily probability of leaving is
-- below 1% with 95% confidence).

scenario { name = "Fitted from events.ru.csv", customers = 1000, days = 120, seed = 1, margin = 0.3, currency = "EUR" }

-- Shares: each persona's customers in the log.
persona "спортсмен" { share = 428 / 1000 }
persona "новичок" { share = 572 / 1000 }

stage "осведомлённость" { entry = true }  -- entered 1000 times; 1000 customers started here
stage "рассмотрение" {}  -- entered 695 times
stage "потерян" { terminal = true }  -- entered 712 times; nobody left it in 77878 customer-days
stage "корзина" {}  -- entered 405 times
stage "заказ" { purchase = true, value = 39.1836 }  -- entered 464 times; value: mean amount of 464 rows (sd 11.46)
stage "доставлен" {}  -- entered 464 times
stage "ушёл" { terminal = true }  -- entered 251 times; nobody left it in 17304 customer-days

-- Daily probabilities estimated from the data
-- осведомлённость -> рассмотрение, спортсмен: 318 moves in 2556 customer-days at risk = 0.1244 a day, 95% interval 0.112 to 0.1376
local p_s1_s2_persona1 = param "p_s1_s2_persona1" { 0.124413, low = 0.112045, high = 0.137632, dist = beta(318.5, 2238.5) }
-- осведомлённость -> рассмотрение, новичок: 377 moves in 4637 customer-days at risk = 0.0813 a day, 95% interval 0.0737 to 0.08943
local p_s1_s2_persona2 = param "p_s1_s2_persona2" { 0.0813026, low = 0.073697, high = 0.0894306, dist = beta(377.5, 4260.5) }
-- осведомлённость -> потерян, спортсмен: 110 moves in 2556 customer-days at risk = 0.04304 a day, 95% interval 0.03568 to 0.05143
local p_s1_s3_persona1 = param "p_s1_s3_persona1" { 0.043036, low = 0.0356791, high = 0.0514267, dist = beta(110.5, 2446.5) }
-- осведомлённость -> потерян, новичок: 195 moves in 4637 customer-days at risk = 0.04205 a day, 95% interval 0.03656 to 0.04812
local p_s1_s3_persona2 = param "p_s1_s3_persona2" { 0.0420531, low = 0.0365591, high = 0.0481184, dist = beta(195.5, 4442.5) }
-- рассмотрение -> потерян, спортсмен: 113 moves in 1324 customer-days at risk = 0.08535 a day, 95% interval 0.0712 to 0.1013
local p_s2_s3_persona1 = param "p_s2_s3_persona1" { 0.0853474, low = 0.0712003, high = 0.101305, dist = beta(113.5, 1211.5) }
-- рассмотрение -> потерян, новичок: 177 moves in 2216 customer-days at risk = 0.07987 a day, 95% interval 0.06913 to 0.09171
local p_s2_s3_persona2 = param "p_s2_s3_persona2" { 0.0798736, low = 0.0691328, high = 0.0917109, dist = beta(177.5, 2039.5) }
-- рассмотрение -> корзина, спортсмен: 205 moves in 1324 customer-days at risk = 0.1548 a day, 95% interval 0.1361 to 0.1751
local p_s2_s4_persona1 = param "p_s2_s4_persona1" { 0.154834, low = 0.136111, high = 0.175064, dist = beta(205.5, 1119.5) }
-- рассмотрение -> корзина, новичок: 200 moves in 2216 customer-days at risk = 0.09025 a day, 95% interval 0.07886 to 0.1027
local p_s2_s4_persona2 = param "p_s2_s4_persona2" { 0.0902527, low = 0.0788564, high = 0.102718, dist = beta(200.5, 2016.5) }
-- корзина -> потерян, спортсмен: 60 moves in 544 customer-days at risk = 0.1103 a day, 95% interval 0.08605 to 0.1387
local p_s4_s3_persona1 = param "p_s4_s3_persona1" { 0.110294, low = 0.0860464, high = 0.138674, dist = beta(60.5, 484.5) }
-- корзина -> потерян, новичок: 57 moves in 604 customer-days at risk = 0.09437 a day, 95% interval 0.07299 to 0.1196
local p_s4_s3_persona2 = param "p_s4_s3_persona2" { 0.0943709, low = 0.0729923, high = 0.119624, dist = beta(57.5, 547.5) }
-- корзина -> заказ, спортсмен: 145 moves in 544 customer-days at risk = 0.2665 a day, 95% interval 0.2307 to 0.3049
local p_s4_s5_persona1 = param "p_s4_s5_persona1" { 0.266544, low = 0.230697, high = 0.304867, dist = beta(145.5, 399.5) }
-- корзина -> заказ, новичок: 143 moves in 604 customer-days at risk = 0.2368 a day, 95% interval 0.2042 to 0.2719
local p_s4_s5_persona2 = param "p_s4_s5_persona2" { 0.236755, low = 0.204166, high = 0.27186, dist = beta(143.5, 461.5) }
-- доставлен -> заказ, спортсмен: 121 moves in 5674 customer-days at risk = 0.02133 a day, 95% interval 0.01781 to 0.02533
local p_s6_s5_persona1 = param "p_s6_s5_persona1" { 0.0213253, low = 0.0178065, high = 0.0253323, dist = beta(121.5, 5553.5) }
-- доставлен -> заказ, новичок: 55 moves in 5871 customer-days at risk = 0.009368 a day, 95% interval 0.007139 to 0.01208
local p_s6_s5_persona2 = param "p_s6_s5_persona2" { 0.00936808, low = 0.00713894, high = 0.0120804, dist = beta(55.5, 5816.5) }
-- доставлен -> ушёл, спортсмен: 130 moves in 5674 customer-days at risk = 0.02291 a day, 95% interval 0.01926 to 0.02705
local p_s6_s7_persona1 = param "p_s6_s7_persona1" { 0.0229115, low = 0.0192579, high = 0.0270516, dist = beta(130.5, 5544.5) }
-- доставлен -> ушёл, новичок: 121 moves in 5871 customer-days at risk = 0.02061 a day, 95% interval 0.01721 to 0.02448
local p_s6_s7_persona2 = param "p_s6_s7_persona2" { 0.0206098, low = 0.0172079, high = 0.024484, dist = beta(121.5, 5750.5) }

-- The estimates of one stage are drawn independently by psa (or swept one at
-- a time), so they may sum above 1: at_most_one gives the factor that scales
-- such a set down to sum 1 (1 for the estimates themselves).
local function at_most_one(...)
  local sum = 0
  for _, p in ipairs({ ... }) do sum = sum + p end
  return sum > 1 and 1 / sum or 1
end

-- осведомлённость: geometric time before leaving fits (likelihood ratio test: G = 57.5 on 36 df, p = 0.013)
local k_s1 = { ["спортсмен"] = at_most_one(p_s1_s2_persona1, p_s1_s3_persona1), ["новичок"] = at_most_one(p_s1_s2_persona2, p_s1_s3_persona2) }
transition("осведомлённость", "рассмотрение", { ["спортсмен"] = p_s1_s2_persona1 * k_s1["спортсмен"], ["новичок"] = p_s1_s2_persona2 * k_s1["новичок"] })
transition("осведомлённость", "потерян", { ["спортсмен"] = p_s1_s3_persona1 * k_s1["спортсмен"], ["новичок"] = p_s1_s3_persona2 * k_s1["новичок"] })

-- рассмотрение: geometric time before leaving fits (likelihood ratio test: G = 31.8 on 26 df, p = 0.2)
local k_s2 = { ["спортсмен"] = at_most_one(p_s2_s3_persona1, p_s2_s4_persona1), ["новичок"] = at_most_one(p_s2_s3_persona2, p_s2_s4_persona2) }
transition("рассмотрение", "потерян", { ["спортсмен"] = p_s2_s3_persona1 * k_s2["спортсмен"], ["новичок"] = p_s2_s3_persona2 * k_s2["новичок"] })
transition("рассмотрение", "корзина", { ["спортсмен"] = p_s2_s4_persona1 * k_s2["спортсмен"], ["новичок"] = p_s2_s4_persona2 * k_s2["новичок"] })

-- корзина: geometric time before leaving fits (likelihood ratio test: G = 16.4 on 14 df, p = 0.29)
local k_s4 = { ["спортсмен"] = at_most_one(p_s4_s3_persona1, p_s4_s5_persona1), ["новичок"] = at_most_one(p_s4_s3_persona2, p_s4_s5_persona2) }
transition("корзина", "потерян", { ["спортсмен"] = p_s4_s3_persona1 * k_s4["спортсмен"], ["новичок"] = p_s4_s3_persona2 * k_s4["новичок"] })
transition("корзина", "заказ", { ["спортсмен"] = p_s4_s5_persona1 * k_s4["спортсмен"], ["новичок"] = p_s4_s5_persona2 * k_s4["новичок"] })

-- заказ: the time spent before leaving is not geometric (likelihood ratio test
-- against one constant daily probability: G = 1772.1 on 4 df, p = 0 < 0.001),
-- so its probabilities depend on the day in the stage: moves / customers there,
-- day by day up to day 3, then constant.
-- заказ -> доставлен, moves / customers there, all personas: day 1: 0/464, day 2: 0/464, day 3+: 464/464
local h_s5_s6 = {
  ["спортсмен"] = { 0, 0, 1 },
  ["новичок"] = { 0, 0, 1 },
}
transition("заказ", "доставлен", function(c) return h_s5_s6[c.persona][math.min(c.days_in_stage, 3)] end)

-- доставлен: geometric time before leaving fits (likelihood ratio test: G = 48.6 on 26 df, p = 0.0046)
local k_s6 = { ["спортсмен"] = at_most_one(p_s6_s5_persona1, p_s6_s7_persona1), ["новичок"] = at_most_one(p_s6_s5_persona2, p_s6_s7_persona2) }
transition("доставлен", "заказ", { ["спортсмен"] = p_s6_s5_persona1 * k_s6["спортсмен"], ["новичок"] = p_s6_s5_persona2 * k_s6["новичок"] })
transition("доставлен", "ушёл", { ["спортсмен"] = p_s6_s7_persona1 * k_s6["спортсмен"], ["новичок"] = p_s6_s7_persona2 * k_s6["новичок"] })

-- ---------------------------------------------------------------------------
-- Дальше написано вручную. Всё, что выше, написала из журнала событий
-- магазина команда из второй строки, кроме margin и currency в строке
-- scenario: журнал знает, сколько заплатили клиенты, но не знает, сколько из
-- этого остаётся магазину (30% заказа — валовая прибыль).
--
-- Проверяемое изменение: напоминание, которое приходит, когда заказ
-- доставлен («заканчивается? повторите заказ в один клик»). Оно умножает
-- дневной шанс повторной покупки (доставлен -> заказ) на reminder_effect, а
-- каждое отправленное напоминание (одно на доставку) стоит reminder_cost EUR
-- вместе с купоном в нём. Эффект ещё никто не измерял: маркетологи
-- предполагают 1,3 — где-то между 1,0 (без эффекта) и 1,6. Цена известна.
local reminder_effect = param "reminder_effect" { 1.3, low = 1.0, high = 1.6, dist = triangular(1.0, 1.3, 1.6) }
local reminder_cost = param "reminder_cost" { 0.8 }

intervention "напоминание" {
  description = "Напоминание о повторном заказе, когда посылка доставлена",
  channel = "email",
  scale = { ["доставлен->заказ"] = reminder_effect },
  cost_per_use = reminder_cost,
}
