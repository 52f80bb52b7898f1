package identity_test

import "database/sql"

type sqlTx = sql.Tx
