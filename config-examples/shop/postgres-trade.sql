-- One tick of trading, run as one transaction: a customer places an order, a valid order moves one step along
-- NEW -> PAID -> SHIPPED (an update timestamp+incrementing mode must see), and both changes go to the outbox.
WITH placed AS (
  INSERT INTO shop.orders (customer_id, email, card, amount, status)
  SELECT c, 'customer' || c || '@example.com', '4111111111' || lpad((random() * 999999)::int::text, 6, '0'),
         round((5 + random() * 495)::numeric, 2), 'NEW'
  FROM (SELECT 1 + (random() * 39)::int AS c) AS pick
  RETURNING id, customer_id, amount)
INSERT INTO shop.outbox (aggregatetype, aggregateid, type, payload)
SELECT 'order', id::text, 'OrderPlaced',
       json_build_object('orderId', id, 'customerId', customer_id, 'amount', amount)::text
FROM placed;

WITH advanced AS (
  UPDATE shop.orders SET status = CASE status WHEN 'NEW' THEN 'PAID' ELSE 'SHIPPED' END, updated_at = now()
  WHERE id = (SELECT id FROM shop.orders WHERE amount >= 0 AND status IN ('NEW', 'PAID') ORDER BY random() LIMIT 1)
  RETURNING id, status)
INSERT INTO shop.outbox (aggregatetype, aggregateid, type, payload)
SELECT 'order', id::text, CASE status WHEN 'PAID' THEN 'OrderPaid' ELSE 'OrderShipped' END,
       json_build_object('orderId', id)::text
FROM advanced;
