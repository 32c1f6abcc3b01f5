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
