from models.training.modelcard import _weak_case_kind_lines

TASKS = [{"key": "structural", "label": "Structural"}, {"key": "asas_bme", "label": "ASAS BME"}]


def test_a_task_wrong_in_more_than_half_of_a_kind_is_named_with_its_counts():
    kinds = {
        "axspa_active": {"n": 15, "structural": {"labelled": 2, "called": 12, "correct": 3},
                         "asas_bme": {"labelled": 15, "called": 15, "correct": 15}},
        # exactly half right is not "more than half wrong"; too few exams are not judged
        "mimic_athlete": {"n": 8, "structural": {"labelled": 0, "called": 4, "correct": 4},
                          "asas_bme": {"labelled": 0, "called": 3, "correct": 5}},
        "rare": {"n": 4, "structural": {"labelled": 0, "called": 4, "correct": 0},
                 "asas_bme": {"labelled": 0, "called": 0, "correct": 4}},
    }
    assert _weak_case_kind_lines(TASKS, kinds) == [
        "- Structural: wrong in more than half the unseen-site exams of kind axspa_active "
        "(3 of 15 right, 12 called positive, 2 labelled positive)."
    ]
    assert _weak_case_kind_lines(TASKS, {}) == []
