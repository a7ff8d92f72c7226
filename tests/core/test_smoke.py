from tests.factories import login


def test_login_dashboard_course(app, client, world, make):
    prog = world["programme"]
    make.section(prog, "Tools")
    login(client, world["mentor_a"])
    resp = client.get("/dashboard")
    assert resp.status_code == 200
    assert prog.title in resp.get_data(as_text=True)
    resp = client.get(f"/p/{prog.id}")
    assert resp.status_code == 200
    assert "Tools" in resp.get_data(as_text=True)
    assert resp.headers["Cache-Control"] == "no-store"
