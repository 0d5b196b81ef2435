-- The shop the MariaDB/MySQL connector example reads from.
CREATE TABLE orders (
  id         BIGINT AUTO_INCREMENT PRIMARY KEY,
  amount     DECIMAL(10,2) NOT NULL,
  updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  INDEX orders_updated_at_id (updated_at, id)
);
