from electoral_sim import ElectionModel


def test_same_seed_same_numbers():
    a = ElectionModel(n_voters=5_000, seed=3).run_election()
    b = ElectionModel(n_voters=5_000, seed=3).run_election()
    assert a == b
    assert sum(a["seats"]) == 10
