-- Readings received from third-party systems (SCADA, metering) by an incoming data exchange
-- (docs/exchange.md): one value per node, quantity and time. Receiving the same file again
-- updates the same rows.
CREATE TABLE IF NOT EXISTS {schema}.readings (
  node_id      text NOT NULL,
  quantity     text NOT NULL,
  read_at      timestamptz NOT NULL,
  value        double precision NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (node_id, quantity, read_at)
);
CREATE INDEX IF NOT EXISTS readings_received_at_idx ON {schema}.readings (received_at)
