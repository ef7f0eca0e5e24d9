/* SPDX-License-Identifier: MIT */
/*
 * test_qtable - the (name, qtype) table shared by resolve.c and
 * resolver.c: a key is found by name and type (not by either alone, and
 * byte for byte), the table grows past its bucket count without losing or
 * duplicating a node, removal unlinks one node (twice is harmless), and
 * qtable_take_all hands back every node exactly once and leaves it empty.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "qtable.h"

/* a caller's record embedding its node, as struct ans and struct rq do */
struct rec {
    char name[32];
    int id;
    struct qtable_node node;
    int taken;
};

/* find - the record of (name, qtype), or NULL. */
static struct rec *find(struct qtable *t, const char *name, int qtype)
{
    struct qtable_node *n = qtable_find(t, name, qtype, qtable_hash(name, qtype));
    return n != NULL ? QTABLE_ENTRY(n, struct rec, node) : NULL;
}

/* add - insert r as (r->name, qtype). */
static void add(struct qtable *t, struct rec *r, int qtype)
{
    qtable_insert(t, &r->node, r->name, qtype, qtable_hash(r->name, qtype));
}

static void test_key(void)
{
    struct qtable t;
    struct rec a = {"mail.example.test", 1, {0}, 0};
    struct rec b = {"mail.example.test", 2, {0}, 0};
    qtable_init(&t, 4);
    add(&t, &a, 33);   /* SRV */
    add(&t, &b, 1);    /* A: same name, other type */
    CHECK(find(&t, "mail.example.test", 33) == &a);
    CHECK(find(&t, "mail.example.test", 1) == &b);
    CHECK(find(&t, "mail.example.test", 28) == NULL);
    CHECK(find(&t, "Mail.example.test", 33) == NULL);   /* byte for byte */
    CHECK(find(&t, "mail.example.tes", 33) == NULL);
    CHECK(t.count == 2);
    /* the hash mixes the type in: FNV-1a of the name, then the type */
    CHECK(qtable_hash("a", 1) != qtable_hash("a", 2));
    CHECK(qtable_hash("", 0) == 2166136261u * 16777619u);
    qtable_fini(&t);
}

static void test_grow_remove_take(void)
{
    enum { N = 1000 };
    static struct rec r[N];
    struct qtable t;
    qtable_init(&t, 2);
    for (int i = 0; i < N; i++) {
        snprintf(r[i].name, sizeof r[i].name, "h%d.example.test", i);
        r[i].id = i;
        add(&t, &r[i], 16);
    }
    CHECK(t.count == N);
    CHECK(t.size >= N);
    CHECK((t.size & (t.size - 1)) == 0);   /* still a power of two */
    int found = 0;
    for (int i = 0; i < N; i++)
        found += find(&t, r[i].name, 16) == &r[i];
    CHECK_MSG(found == N, "%d of %d found after growing", found, N);

    for (int i = 0; i < N; i += 2)
        qtable_remove(&t, &r[i].node);
    qtable_remove(&t, &r[0].node);   /* not in the table any more */
    CHECK(t.count == N / 2);
    int gone = 0, kept = 0;
    for (int i = 0; i < N; i++) {
        struct rec *x = find(&t, r[i].name, 16);
        if (i % 2 == 0)
            gone += x == NULL;
        else
            kept += x == &r[i];
    }
    CHECK(gone == N / 2);
    CHECK(kept == N / 2);

    int listed = 0, twice = 0;
    for (struct qtable_node *n = qtable_take_all(&t); n; n = n->next) {
        struct rec *x = QTABLE_ENTRY(n, struct rec, node);
        twice += x->taken;
        x->taken = 1;
        listed++;
    }
    CHECK_MSG(listed == N / 2, "take_all listed %d", listed);
    CHECK(twice == 0);
    CHECK(t.count == 0);
    CHECK(find(&t, r[1].name, 16) == NULL);
    CHECK(qtable_take_all(&t) == NULL);
    /* the table is usable again once emptied */
    add(&t, &r[0], 16);
    CHECK(find(&t, r[0].name, 16) == &r[0]);
    qtable_fini(&t);
}

int main(void)
{
    test_key();
    test_grow_remove_take();
    return CHECK_DONE();
}
