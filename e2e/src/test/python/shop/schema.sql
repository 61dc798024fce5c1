-- The shop's database, created by MariaDB's --init-file at each start (idempotent).
CREATE DATABASE IF NOT EXISTS shop;
CREATE USER IF NOT EXISTS 'shop'@'%' IDENTIFIED BY 'shop-e2e';
GRANT ALL PRIVILEGES ON shop.* TO 'shop'@'%';
CREATE TABLE IF NOT EXISTS shop.products (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL, sold INT NOT NULL DEFAULT 0);
INSERT IGNORE INTO shop.products (id, name) VALUES (1, 'teapot'), (2, 'kettle'), (3, 'mug');
