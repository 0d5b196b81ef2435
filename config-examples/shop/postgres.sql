-- The shop the PostgreSQL connector examples read from: customers, their orders, and a transactional outbox that
-- the application writes in the same transaction as the change it announces.
CREATE SCHEMA shop;

CREATE TABLE shop.customers (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL,
  email      text NOT NULL
);

CREATE TABLE shop.orders (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL,
  email       text NOT NULL,
  card        text,
  amount      numeric(10,2) NOT NULL,
  status      text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- What timestamp+incrementing mode reads by.
CREATE INDEX orders_updated_at_id ON shop.orders (updated_at, id);

CREATE TABLE shop.outbox (
  seq           bigserial PRIMARY KEY,
  id            uuid NOT NULL DEFAULT gen_random_uuid(),
  aggregatetype text NOT NULL,
  aggregateid   text NOT NULL,
  type          text NOT NULL,
  payload       text,
  created_at    timestamptz NOT NULL DEFAULT now()
);
