-- Seed data for the shop: 40 customers and 200 orders, plus 6 orders that break the validation rules of
-- jdbc-postgres-orders-masked-and-validated.json on purpose (3 negative amounts, 3 unknown statuses), so the
-- dead-letter router has something to catch. Every row is announced in the outbox, as the application would.
INSERT INTO shop.customers (name, email)
SELECT 'Customer ' || n, 'customer' || n || '@example.com' FROM generate_series(1, 40) AS n;

INSERT INTO shop.orders (customer_id, email, card, amount, status)
SELECT 1 + (n * 17) % 40, 'customer' || (1 + (n * 17) % 40) || '@example.com',
       '4111111111' || lpad(((n * 7919) % 1000000)::text, 6, '0'), (500 + (n * 9973) % 50000) / 100.0, 'NEW'
FROM generate_series(1, 200) AS n;

INSERT INTO shop.orders (customer_id, email, card, amount, status)
SELECT 1 + n, 'customer' || (1 + n) || '@example.com', '4111111111000000',
       CASE WHEN n % 2 = 0 THEN -12.50 ELSE 12.50 END, CASE WHEN n % 2 = 0 THEN 'NEW' ELSE 'LOST' END
FROM generate_series(0, 5) AS n;

INSERT INTO shop.outbox (aggregatetype, aggregateid, type, payload)
SELECT 'customer', id::text, 'CustomerRegistered', json_build_object('customerId', id)::text
FROM shop.customers ORDER BY id;

INSERT INTO shop.outbox (aggregatetype, aggregateid, type, payload)
SELECT 'order', id::text, 'OrderPlaced',
       json_build_object('orderId', id, 'customerId', customer_id, 'amount', amount)::text
FROM shop.orders ORDER BY id;
