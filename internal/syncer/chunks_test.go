package syncer

import "testing"

// TestChunks checks that chunks hand back every value added, in order, by
// at and by flat, and that a pointer at returns stays the value's place
// while more are added (the items' Meta points into the records).
func TestChunks(t *testing.T) {
	var c chunks[int]
	const n = 2*chunkLen + 5
	var first *int
	for i := range n {
		c.add(i)
		if i == 0 {
			first = c.at(0)
		}
	}
	*first = -1
	if c.n != n {
		t.Fatalf("n = %d, want %d", c.n, n)
	}
	flat := c.flat()
	if len(flat) != n || cap(flat) != n {
		t.Fatalf("flat: len %d cap %d, want %d", len(flat), cap(flat), n)
	}
	for i := range n {
		want := i
		if i == 0 {
			want = -1
		}
		if got := *c.at(i); got != want {
			t.Fatalf("at(%d) = %d, want %d", i, got, want)
		}
		if flat[i] != want {
			t.Fatalf("flat[%d] = %d, want %d", i, flat[i], want)
		}
	}
	seen := 0
	for i, v := range c.all() {
		if v != c.at(i) || i != seen {
			t.Fatalf("all: %d-th yield is index %d at %p, at(%d) is %p", seen, i, v, i, c.at(i))
		}
		seen++
		if i == chunkLen+1 {
			break
		}
	}
	if seen != chunkLen+2 {
		t.Fatalf("all yielded %d values before the break, want %d", seen, chunkLen+2)
	}
	n2 := 0
	for range c.all() {
		n2++
	}
	if n2 != n {
		t.Fatalf("all yielded %d values, want %d", n2, n)
	}
	if got := c.appendTo([]int{7}); len(got) != n+1 || got[0] != 7 || got[n] != n-1 {
		t.Fatalf("appendTo: len %d, ends %d %d", len(got), got[0], got[len(got)-1])
	}
}

// TestChunksFlatten checks that flatten moves the values into one slice
// that at then reads (no second copy on a second call), in order.
func TestChunksFlatten(t *testing.T) {
	var c chunks[int]
	const n = chunkLen + 7
	for i := range n {
		c.add(i)
	}
	f := c.flatten()
	if len(f) != n {
		t.Fatalf("flatten: %d values, want %d", len(f), n)
	}
	for i := range n {
		if f[i] != i || c.at(i) != &f[i] {
			t.Fatalf("after flatten: [%d] = %d, at %p, the slice's %p", i, f[i], c.at(i), &f[i])
		}
	}
	if g := c.flatten(); &g[0] != &f[0] {
		t.Fatal("a second flatten copied again")
	}
	var empty chunks[int]
	if got := empty.flatten(); len(got) != 0 {
		t.Fatalf("flatten of nothing: %v", got)
	}
}
