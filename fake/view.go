package fake

type viewKey struct{ filter, sort string }

type view struct {
	version uint64
	members []*memberRec
}
